import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BatchStore } from './batch-store.js';
import { isPlatformError } from './errors.js';
import { createIdGenerator } from './ids.js';
import { FAST_STORAGE_RETRY } from './testing/fast-retry.js';
import { startAzurite, type RunningAzurite } from './testing/azurite.js';

let azurite: RunningAzurite;
let store: BatchStore;
const nextId = createIdGenerator();

beforeAll(async () => {
  azurite = await startAzurite();
  store = BatchStore.fromConnection(
    { kind: 'connection-string', connectionString: azurite.connectionString },
    { retry: FAST_STORAGE_RETRY },
  );
});

afterAll(async () => {
  await azurite?.stop();
});

describe('BatchStore against Azurite', () => {
  it('records a batch and lists its members in order', async () => {
    const batch = {
      batchId: nextId(),
      receivedAt: '2024-03-15T10:15:00.000Z',
      clientId: 'riverside-lab',
      memberIds: [nextId(), nextId(), nextId()],
    };

    await store.create(batch);

    expect(await store.get(batch.batchId)).toEqual(batch);
  });

  it('handles batches larger than one transaction', async () => {
    const memberIds = Array.from({ length: 250 }, () => nextId());
    const batchId = nextId();

    await store.create({ batchId, receivedAt: new Date().toISOString(), clientId: 'c', memberIds });

    expect((await store.get(batchId))?.memberIds).toEqual(memberIds);
  });

  it('records an empty batch, refuses a second record, and knows unknown ids', async () => {
    const batch = { batchId: nextId(), receivedAt: new Date().toISOString(), clientId: 'c' };
    await store.create({ ...batch, memberIds: [] });

    const second = await store.create({ ...batch, memberIds: [nextId()] }).catch((e) => e);

    expect(isPlatformError(second) && second.code).toBe('CONFLICT');
    expect((await store.get(batch.batchId))?.memberIds).toEqual([]);
    expect(await store.get(nextId())).toBeUndefined();
  });
});
