import { BlobServiceClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';

import { checkStorageReachable } from '../storage-probe.js';
import { startAzurite } from './azurite.js';

describe('startAzurite', () => {
  it('serves blob, queue and table on loopback, and stops', async () => {
    const azurite = await startAzurite();
    try {
      expect(azurite.connectionString).toContain(
        `BlobEndpoint=http://127.0.0.1:${azurite.blobPort}/`,
      );
      const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
      await service.getContainerClient('probe').create();
      const names: string[] = [];
      for await (const container of service.listContainers()) names.push(container.name);
      expect(names).toEqual(['probe']);
    } finally {
      await azurite.stop();
      await azurite.stop();
    }

    await expect(checkStorageReachable(azurite.connectionString, 1_000)).rejects.toThrow(
      /not reachable/,
    );
  });

  it('fails with a clear message when it cannot start in time', async () => {
    await expect(startAzurite({ startTimeoutMs: 1 })).rejects.toThrow(/^Azurite did not start: /);
  });
});
