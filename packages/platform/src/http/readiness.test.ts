import { createServer } from 'node:net';

import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import { ConfigError } from '../config.js';
import { PlatformError } from '../errors.js';
import { checkReadiness, probeStorage, readinessHandler } from './readiness.js';

const call = { principal: undefined, traceId: 't', traceparent: 'p', audit: async () => {} };

function invoke(handler: ReturnType<typeof readinessHandler>) {
  return handler(
    new HttpRequest({ method: 'GET', url: 'http://h/api/health/ready' }),
    new InvocationContext(),
    call,
  );
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('readiness', () => {
  it('answers 200 with each dependency up and its latency', async () => {
    const answer = await invoke(
      readinessHandler(() => ({ storage: async () => {}, bus: async () => {} })),
    );

    expect(answer.status).toBe(200);
    expect(answer.jsonBody).toEqual({
      status: 'ready',
      dependencies: {
        storage: { status: 'up', latencyMs: expect.any(Number) },
        bus: { status: 'up', latencyMs: expect.any(Number) },
      },
    });
  });

  it('answers 503 with Retry-After, naming the code of the dependency that is down', async () => {
    const answer = await invoke(
      readinessHandler(
        () => ({
          storage: async () => {},
          bus: async () => {
            throw new PlatformError('BUS_UNAVAILABLE', 'no connection');
          },
        }),
        { retryAfterSeconds: 7 },
      ),
    );

    expect(answer.status).toBe(503);
    expect(answer.headers).toMatchObject({ 'retry-after': '7', 'cache-control': 'no-store' });
    expect(answer.jsonBody).toMatchObject({
      status: 'unavailable',
      dependencies: { storage: { status: 'up' }, bus: { status: 'down', code: 'BUS_UNAVAILABLE' } },
    });
  });

  it('holds a probe that hangs to the deadline', async () => {
    const readiness = await checkReadiness({ bus: () => new Promise(() => {}) }, 50);

    expect(readiness).toEqual({
      status: 'unavailable',
      dependencies: { bus: { status: 'down', latencyMs: expect.any(Number), code: 'TIMEOUT' } },
    });
  });

  it('answers 503 when the app cannot build its probes (misconfigured)', async () => {
    const answer = await invoke(
      readinessHandler(() => {
        throw new ConfigError('AzureWebJobsStorage', 'is required');
      }),
    );

    expect(answer.status).toBe(503);
    expect(answer.jsonBody).toMatchObject({
      status: 'unavailable',
      dependencies: { configuration: { status: 'down', code: 'CONFIG_INVALID' } },
    });
  });

  it('reports storage down when its endpoints refuse connections', async () => {
    const port = await closedPort();
    const connectionString =
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;' +
      `BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;` +
      `TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
    const readiness = await checkReadiness(
      {
        storage: (timeoutMs) =>
          probeStorage({ kind: 'connection-string', connectionString }, async () => {}, timeoutMs),
      },
      1_000,
    );

    expect(readiness.dependencies.storage).toMatchObject({
      status: 'down',
      code: 'STORAGE_UNAVAILABLE',
    });
  });
});
