/**
 * Health and metrics on the local host: every app answers the probes with its own
 * dependencies (storage and the bus, each with its latency), merged into one answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startGateway, type Gateway } from '../support/gateway.js';

const APPS = ['ingest', 'processor', 'deadletter'] as const;

let gateway: Gateway;

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  await gateway?.stop();
});

async function getJson(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gateway.api}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('health on every app', () => {
  it('answers liveness from each app', async () => {
    const { status, body } = await getJson('/health');

    expect(status).toBe(200);
    expect(body.apps).toEqual(
      Object.fromEntries(APPS.map((app) => [`${app}Health`, { status: 'ok' }])),
    );
  });

  it('answers readiness from each app with its storage and bus, each up with a latency', async () => {
    const { status, body } = await getJson('/health/ready');

    expect(status).toBe(200);
    expect(body.status).toBe('ready');
    const apps = body.apps as Record<string, { status: string; dependencies: unknown }>;
    expect(Object.keys(apps).sort()).toEqual(APPS.map((app) => `${app}HealthReady`).sort());
    for (const app of APPS) {
      const dependency = { status: 'up', latencyMs: expect.any(Number) };
      expect([app, apps[`${app}HealthReady`]]).toEqual([
        app,
        { status: 'ready', dependencies: { storage: dependency, bus: dependency } },
      ]);
    }
  });
});
