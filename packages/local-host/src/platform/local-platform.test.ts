import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isHostError } from '../host-error.js';
import { type LocalPlatform, startLocalPlatform } from './local-platform.js';

const CONFIG = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'platform-test',
        Queues: [{ Name: 'hl7-inbound', Properties: { RequiresSession: false } }],
        Topics: [],
      },
    ],
  },
};

let dataDir: string;
let configPath: string;
let platform: LocalPlatform | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-host-platform-'));
  configPath = join(dataDir, 'servicebus.json');
  await writeFile(configPath, JSON.stringify(CONFIG));
});

afterAll(async () => {
  await platform?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('startLocalPlatform', { timeout: 30_000 }, () => {
  it('starts the broker and Azurite under one data directory', async () => {
    platform = await startLocalPlatform({
      dataDir: join(dataDir, 'data'),
      serviceBusConfigPath: configPath,
      serviceBusPort: 0,
      blobPort: 0,
      queuePort: 0,
      tablePort: 0,
    });

    const client = new ServiceBusClient(platform.serviceBusConnectionString);
    const sender = client.createSender('hl7-inbound');
    await sender.sendMessages({ messageId: 'm-1', body: { ok: true } });
    const receiver = client.createReceiver('hl7-inbound', { receiveMode: 'receiveAndDelete' });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    await client.close();
    expect(message?.body).toEqual({ ok: true });

    const blob = await fetch(
      `http://127.0.0.1:${platform.azurite.blobPort}/devstoreaccount1?comp=list`,
    );
    expect(blob.headers.get('server')).toMatch(/^Azurite-Blob/);
    expect(platform.storageConnectionString).toContain(`:${platform.azurite.tablePort}/`);
  });

  it('fails with PLATFORM_START_FAILED naming a configuration it cannot read', async () => {
    const error = await startLocalPlatform({
      dataDir: join(dataDir, 'unused'),
      serviceBusConfigPath: join(dataDir, 'missing.json'),
    }).catch((e: unknown) => e);

    expect(isHostError(error) && error.code).toBe('PLATFORM_START_FAILED');
    expect((error as Error).message).toContain('missing.json');
  });
});
