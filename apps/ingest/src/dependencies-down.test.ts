/**
 * What ingest answers, and what it leaves behind, when a dependency is down: `503` with
 * `Retry-After`, and no status record that claims a message the bus does not hold.
 *
 * Blob storage down goes through the host's real HTTP path (the app's deps come from this
 * process's environment, so this file has its own). The bus down is driven in-process with
 * real adapters, which also lets the test read the app's log lines.
 */
import { HttpRequest, InvocationContext } from '@azure/functions';
import { createHost, silentHostLog, type LocalHost } from '@hl7gw/local-host';
import { captureLogs } from '@hl7gw/platform/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { createDeps } from './deps.js';
import { ENQUEUE_FAILED_DETAIL } from './enqueue.js';
import { createSubmitMessage } from './handlers/submit-message.js';
import { oruR01 } from './test-support/messages.js';
import {
  applyEnv,
  closedPort,
  startTestPlatform,
  TEST_API_KEY,
  type TestPlatform,
} from './test-support/platform.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });

const FUNCTIONS = new URL('../dist/functions.js', import.meta.url);

let platform: TestPlatform;
let host: LocalHost;
let restoreEnv: () => void;

beforeAll(async () => {
  platform = await startTestPlatform();
  // Tables on the real Azurite, blobs on a port nothing listens on.
  const deadBlobs = `http://127.0.0.1:${await closedPort()}/devstoreaccount1`;
  const storage = platform.azurite.connectionString.replace(
    /BlobEndpoint=[^;]+/,
    `BlobEndpoint=${deadBlobs}`,
  );
  restoreEnv = applyEnv({ ...platform.env, AzureWebJobsStorage: storage });

  host = createHost({ port: 0, log: silentHostLog });
  await host.load(FUNCTIONS);
  await host.start();
});

afterAll(async () => {
  await host?.stop();
  await platform?.stop();
  restoreEnv?.();
});

async function statusRecordCount(): Promise<number> {
  return (await platform.statusTable.page(undefined, 100)).items.length;
}

describe('blob storage down', () => {
  it('answers 503 with Retry-After and writes no status record', async () => {
    const started = Date.now();
    const response = await fetch(`${host.baseUrl}/api/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'text/plain' },
      body: oruR01({ controlId: 'DOWN-1' }),
    });

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', status: 503 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await statusRecordCount()).toBe(0);
  });

  it('reports not ready, naming storage', async () => {
    const response = await fetch(`${host.baseUrl}/api/health/ready`);

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({
      status: 'unavailable',
      dependencies: {
        storage: { status: 'down', code: 'STORAGE_UNAVAILABLE' },
        bus: { status: 'up' },
      },
    });
  });
});

describe('the bus down', () => {
  it('answers 503, leaves the status at received with the reason, and logs no PHI', async () => {
    const logs = captureLogs('info');
    const deps = createDeps(
      {
        ...platform.env,
        ServiceBusConnection: `Endpoint=sb://127.0.0.1:${await closedPort()};SharedAccessKeyName=x;SharedAccessKey=x;UseDevelopmentEmulator=true`,
      },
      { logger: logs.logger, busRetry: { maxRetries: 0, timeoutMs: 2_000 } },
    );
    try {
      const submit = createSubmitMessage(deps);
      const request = new HttpRequest({
        method: 'POST',
        url: 'http://127.0.0.1/api/v1/messages',
        headers: {
          'x-api-key': TEST_API_KEY,
          'content-type': 'x-application/hl7-v2+er7',
          accept: 'application/json',
        },
        body: { string: oruR01({ controlId: 'BUSDOWN-1', patientId: '9990009999' }) },
      });
      const response = await submit(request, new InvocationContext());

      expect(response.status).toBe(503);
      expect(response.headers).toMatchObject({ 'retry-after': '5' });
      expect(JSON.parse(response.body as string)).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });

      const [entity] = (
        await platform.statusTable.page<{ status: string }>("controlId eq 'BUSDOWN-1'", 10)
      ).items;
      const record = await platform.statuses.get(entity?.partitionKey as string);
      expect(record?.status).toBe('received');
      expect(record?.history.map((step) => step.detail)).toEqual([
        undefined,
        ENQUEUE_FAILED_DETAIL,
      ]);

      const text = logs.text();
      expect(text).toContain('"code":"DEPENDENCY_UNAVAILABLE"');
      for (const phi of ['9990009999', 'DOE', 'JANE', '19800101']) expect(text).not.toContain(phi);
    } finally {
      await deps.close();
    }
  });
});
