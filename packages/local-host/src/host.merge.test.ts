import { app } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createHost, type LocalHost } from './host.js';
import { isHostError } from './host-error.js';
import { silentHostLog } from './log.js';

/** Registers what one gateway app registers alike: a document, health, and one route of its own. */
function gatewayApp(name: string, path: string, ready: boolean) {
  return () => {
    app.http(`${name}OpenApi`, {
      route: 'openapi.json',
      methods: ['GET'],
      authLevel: 'anonymous',
      handler: () => ({
        jsonBody: {
          openapi: '3.1.0',
          info: { title: 'Gateway', version: '1' },
          tags: [{ name: name }, { name: 'Documentation' }],
          paths: {
            [path]: { get: { operationId: `${name}Get` } },
            '/openapi.json': { get: { operationId: `${name}OpenApi` } },
          },
          components: {
            schemas: { [`${name}Thing`]: { type: 'object' }, Problem: { title: name } },
          },
        },
      }),
    });
    app.http(`${name}HealthReady`, {
      route: 'health/ready',
      methods: ['GET'],
      authLevel: 'anonymous',
      handler: () => ({
        status: ready ? 200 : 503,
        jsonBody: { status: ready ? 'ready' : 'unavailable' },
      }),
    });
    app.http(`${name}Own`, {
      route: path.slice(1),
      methods: ['GET'],
      authLevel: 'anonymous',
      handler: () => ({ body: name }),
    });
  };
}

let host: LocalHost;

beforeAll(async () => {
  host = createHost({ port: 0, log: silentHostLog });
  await host.load(gatewayApp('alpha', '/v1/alpha', true));
  await host.load(gatewayApp('beta', '/v1/beta', false));
  await host.start();
});

afterAll(async () => {
  await host?.stop();
});

describe('routes several apps serve alike', () => {
  it('merges the OpenAPI documents: every path, every component, first app first', async () => {
    const response = await fetch(`${host.baseUrl}/api/openapi.json`);
    const document = (await response.json()) as Record<string, Record<string, unknown>>;

    expect(response.status).toBe(200);
    expect(Object.keys(document.paths ?? {})).toEqual(['/openapi.json', '/v1/alpha', '/v1/beta']);
    expect(Object.keys(document.components?.schemas as object)).toEqual([
      'alphaThing',
      'Problem',
      'betaThing',
    ]);
    expect((document.components?.schemas as Record<string, unknown>).Problem).toEqual({
      title: 'alpha',
    });
    expect(document.tags).toEqual([{ name: 'Documentation' }, { name: 'alpha' }, { name: 'beta' }]);
  });

  it('answers health with the worst status and each app answer', async () => {
    const response = await fetch(`${host.baseUrl}/api/health/ready`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'unavailable',
      apps: {
        alphaHealthReady: { status: 'ready' },
        betaHealthReady: { status: 'unavailable' },
      },
    });
  });

  it('still serves the routes of each app', async () => {
    expect(await (await fetch(`${host.baseUrl}/api/v1/beta`)).text()).toBe('beta');
  });

  it('still refuses two functions on one route that has no merge rule', async () => {
    const clash = createHost({ port: 0, log: silentHostLog });
    await clash.load(() => {
      app.http('clashOne', { route: 'v1/same', methods: ['GET'], handler: () => ({}) });
      app.http('clashTwo', { route: 'v1/same', methods: ['GET'], handler: () => ({}) });
    });
    const failure = await clash.start().catch((error: unknown) => error);
    expect(isHostError(failure) && failure.code).toBe('INVALID_ROUTE');
    await clash.stop();
  });
});
