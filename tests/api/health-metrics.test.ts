/**
 * Health and metrics on the local host: every app answers the probes with its own
 * dependencies (storage and the bus, each with its latency), merged into one answer; and
 * `/api/metrics` serves every app's metrics as Prometheus text to `Reports.Read` callers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startGateway, type Gateway } from '../support/gateway.js';
import { oru } from '../support/hl7.js';

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

describe('metrics', () => {
  it('refuses a caller without a key', async () => {
    const response = await fetch(`${gateway.api}/metrics`);
    const body = (await response.json()) as { code: string };

    expect([response.status, body.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('serves Prometheus text with the received counter once a message is submitted', async () => {
    const submitted = await fetch(`${gateway.api}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': gateway.apiKey, 'content-type': 'x-application/hl7-v2+er7' },
      body: oru({ controlId: 'METRICS-0001' }),
    });
    await submitted.arrayBuffer();
    expect(submitted.status).toBe(202);

    const response = await fetch(`${gateway.api}/metrics`, {
      headers: { 'x-api-key': gateway.apiKey },
    });
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text).toContain('# TYPE hl7gw_messages_received_total counter');
    expect(text).toMatch(/^hl7gw_messages_received_total\{[^}]*service="ingest"[^}]*\} 1$/m);
  });
});
