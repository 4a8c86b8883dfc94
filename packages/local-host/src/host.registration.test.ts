import { fileURLToPath } from 'node:url';

import { app, output } from '@azure/functions';
import { afterAll, describe, expect, it } from 'vitest';

import { createHost, type LocalHost } from './host.js';
import { isHostError } from './host-error.js';
import { silentHostLog } from './log.js';

const started: LocalHost[] = [];

afterAll(async () => {
  await Promise.all(started.map((host) => host.stop()));
});

async function loadError(register: () => void): Promise<unknown> {
  const host = createHost({ port: 0, log: silentHostLog });
  try {
    await host.load(register);
  } catch (error) {
    return error;
  }
  return undefined;
}

function codeOf(error: unknown): string | undefined {
  return isHostError(error) ? error.code : undefined;
}

describe('loading apps', () => {
  it('imports an app module by path and serves what it registered', async () => {
    const host = createHost({ port: 0, log: silentHostLog });
    started.push(host);
    await host.load(fileURLToPath(new URL('./test-support/fixture-app.mjs', import.meta.url)));
    await host.start();

    const response = await fetch(`${host.baseUrl}/api/fixture/hello/lab`);
    expect(await response.text()).toBe('hello lab');
  });

  it('reports a module that throws while loading as LOAD_FAILED, keeping the cause', async () => {
    const host = createHost({ port: 0, log: silentHostLog });
    const modulePath = fileURLToPath(new URL('./test-support/throwing-app.mjs', import.meta.url));

    const error = await host.load(modulePath).catch((e: unknown) => e);

    expect(codeOf(error)).toBe('LOAD_FAILED');
    expect(((error as Error).cause as Error).message).toBe('setting HL7GW_MISSING is not set');
  });

  it.each([
    [
      'a timer trigger',
      () => app.timer('nightly', { schedule: '0 0 2 * * *', handler: () => undefined }),
      'UNSUPPORTED_TRIGGER',
    ],
    [
      'a batch Service Bus trigger',
      () =>
        app.serviceBusQueue('batch', {
          connection: 'ServiceBusConnection',
          queueName: 'q',
          cardinality: 'many',
          handler: () => undefined,
        }),
      'UNSUPPORTED_BINDING',
    ],
    [
      'an output binding',
      () =>
        app.serviceBusQueue('forward', {
          connection: 'ServiceBusConnection',
          queueName: 'q',
          return: output.serviceBusQueue({ connection: 'ServiceBusConnection', queueName: 'next' }),
          handler: () => undefined,
        }),
      'UNSUPPORTED_BINDING',
    ],
    [
      'the same name twice',
      () => {
        app.get('twice', () => ({}));
        app.get('twice', () => ({}));
      },
      'DUPLICATE_FUNCTION',
    ],
  ])('refuses %s', async (_name, register, code) => {
    expect(codeOf(await loadError(register))).toBe(code);
  });

  it('refuses two functions on the same route and method at start', async () => {
    const host = createHost({ port: 0, log: silentHostLog });
    await host.load(() => {
      app.get('first', { route: 'v1/same', handler: () => ({}) });
      app.get('second', { route: 'V1/Same/', handler: () => ({}) });
    });

    expect(codeOf(await host.start().catch((e: unknown) => e))).toBe('INVALID_ROUTE');
  });

  it('refuses a Service Bus trigger without a connection at start', async () => {
    const host = createHost({ port: 0, log: silentHostLog, settings: {} });
    await host.load(() => {
      app.serviceBusQueue('orphan', {
        connection: 'HL7GW_TEST_UNSET_CONNECTION',
        queueName: 'q',
        handler: () => undefined,
      });
    });

    expect(codeOf(await host.start().catch((e: unknown) => e))).toBe('CONNECTION_MISSING');
  });

  it('refuses load after start', async () => {
    const host = createHost({ port: 0, log: silentHostLog });
    started.push(host);
    await host.load(() => app.get('early', () => ({})));
    await host.start();

    expect(codeOf(await host.load(() => undefined).catch((e: unknown) => e))).toBe('INVALID_STATE');
  });
});
