import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isHostError } from '../host-error.js';
import { type RunningAzurite, startAzurite } from './azurite.js';

let dataDir: string;
let azurite: RunningAzurite | undefined;
let blocker: Server | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-host-azurite-'));
});

afterAll(async () => {
  await azurite?.close();
  await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
  await rm(dataDir, { recursive: true, force: true });
});

describe('startAzurite', () => {
  it('serves blob, queue and table on loopback ports and gives their connection string', async () => {
    azurite = await startAzurite({
      location: join(dataDir, 'ok'),
      blobPort: 0,
      queuePort: 0,
      tablePort: 0,
    });

    const servers: string[] = [];
    for (const port of [azurite.blobPort, azurite.queuePort, azurite.tablePort]) {
      const response = await fetch(`http://127.0.0.1:${port}/devstoreaccount1?comp=list`);
      servers.push(response.headers.get('server')?.split('/')[0] ?? '');
    }
    expect(servers).toEqual(['Azurite-Blob', 'Azurite-Queue', 'Azurite-Table']);
    expect(azurite.connectionString).toContain(
      `BlobEndpoint=http://127.0.0.1:${azurite.blobPort}/devstoreaccount1`,
    );
  });

  it('fails fast with Azurite’s own words when a port is taken', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker?.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const takenPort = typeof address === 'object' && address ? address.port : 0;

    let caught: unknown;
    try {
      await startAzurite({
        location: join(dataDir, 'taken'),
        blobPort: takenPort,
        queuePort: 0,
        tablePort: 0,
      });
    } catch (error) {
      caught = error;
    }

    expect(isHostError(caught) && caught.code).toBe('PLATFORM_START_FAILED');
    expect((caught as Error).message).toMatch(/EADDRINUSE|address already in use/i);
  });
});
