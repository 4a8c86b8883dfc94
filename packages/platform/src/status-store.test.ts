import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TestClock } from './clock.js';
import type { StorageConnection } from './config.js';
import { isPlatformError } from './errors.js';
import { createIdGenerator } from './ids.js';
import { advance, StatusStore, type MessageStatus } from './status-store.js';
import { DEFAULT_TABLE_NAMES, Table } from './table-store.js';
import { FAST_STORAGE_RETRY } from './testing/fast-retry.js';
import { startAzurite, type RunningAzurite } from './testing/azurite.js';

let azurite: RunningAzurite;
let store: StatusStore;
const clock = new TestClock('2024-03-15T10:15:00.000Z');
const nextId = createIdGenerator(clock);

beforeAll(async () => {
  azurite = await startAzurite();
  const storage: StorageConnection = {
    kind: 'connection-string',
    connectionString: azurite.connectionString,
  };
  store = StatusStore.fromConnection(storage, { clock, retry: FAST_STORAGE_RETRY });
});

afterAll(async () => {
  await azurite?.stop();
});

async function errorCode(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
  } catch (error) {
    if (isPlatformError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a PlatformError');
}

describe('StatusStore against Azurite', () => {
  it('creates a received record and reads it back', async () => {
    const id = nextId();

    const created = await store.create(id, {
      messageType: 'ORU^R01',
      sendingFacility: 'RIVERSIDE',
      controlId: 'C0001',
      clientId: 'riverside-lab',
    });

    expect(created).toEqual({
      id,
      status: 'received',
      history: [{ status: 'received', at: '2024-03-15T10:15:00.000Z' }],
      createdAt: '2024-03-15T10:15:00.000Z',
      updatedAt: '2024-03-15T10:15:00.000Z',
      messageType: 'ORU^R01',
      sendingFacility: 'RIVERSIDE',
      controlId: 'C0001',
      clientId: 'riverside-lab',
    });
    expect(await store.get(id)).toEqual(created);
  });

  it('walks the lifecycle, timing each step', async () => {
    const id = nextId();
    await store.create(id);

    for (const status of ['queued', 'processed', 'delivered'] as const) {
      clock.advance(1_000);
      await store.transition(id, status, status === 'delivered' ? 'ehr' : undefined);
    }

    const record = await store.get(id);
    expect(record?.status).toBe('delivered');
    expect(record?.history).toEqual([
      { status: 'received', at: '2024-03-15T10:15:00.000Z' },
      { status: 'queued', at: '2024-03-15T10:15:01.000Z' },
      { status: 'processed', at: '2024-03-15T10:15:02.000Z' },
      { status: 'delivered', at: '2024-03-15T10:15:03.000Z', detail: 'ehr' },
    ]);
    expect(record?.updatedAt).toBe('2024-03-15T10:15:03.000Z');
  });

  it('records dead-lettering and replay', async () => {
    const id = nextId();
    await store.create(id);
    await store.transition(id, 'queued');
    await store.transition(id, 'dead-lettered', 'VALIDATION_FAILED');

    const record = await store.transition(id, 'replayed', '01HRZ8J3K5W6X7Y8Z9A0B1C2D3');

    expect(record.status).toBe('replayed');
    expect(record.history.map((step) => step.status)).toEqual([
      'received',
      'queued',
      'dead-lettered',
      'replayed',
    ]);
  });

  it('keeps a late step in the history without moving the status back', async () => {
    const id = nextId();
    await store.create(id);
    await store.transition(id, 'processed');

    const record = await store.transition(id, 'queued');

    expect(record.status).toBe('processed');
    expect(record.history.map((step) => step.status)).toEqual(['received', 'processed', 'queued']);
  });

  it('refuses a step on no path from the current status', async () => {
    const id = nextId();
    await store.create(id);
    await store.transition(id, 'rejected', 'AUTH_FAILED');

    expect(await errorCode(() => store.transition(id, 'processed'))).toBe('INVALID_TRANSITION');
  });

  it('refuses a second record for one id and a step for an unknown id', async () => {
    const id = nextId();
    await store.create(id);

    expect(await errorCode(() => store.create(id))).toBe('CONFLICT');
    expect(await errorCode(() => store.transition(nextId(), 'queued'))).toBe('NOT_FOUND');
    expect(await store.get(nextId())).toBeUndefined();
  });

  it('loses no step when writers race (etags)', async () => {
    const id = nextId();
    await store.create(id);
    await store.transition(id, 'queued');
    await store.transition(id, 'processed');

    await Promise.all(
      ['ehr', 'hie', 'webhook', 'notify'].map((target) =>
        store.transition(id, 'delivered', target),
      ),
    );

    const record = await store.get(id);
    const deliveries = record?.history.filter((step) => step.status === 'delivered') ?? [];
    expect(deliveries.map((step) => step.detail).sort()).toEqual([
      'ehr',
      'hie',
      'notify',
      'webhook',
    ]);
  });
});

describe('StatusStore.transition from a record just read', () => {
  /** A store over a table that counts its reads; the storage is Azurite all the same. */
  function countingStore(): { store: StatusStore; reads: () => number } {
    const table = Table.fromConnection(
      { kind: 'connection-string', connectionString: azurite.connectionString },
      DEFAULT_TABLE_NAMES.status,
      FAST_STORAGE_RETRY,
    );
    let reads = 0;
    const get = table.get.bind(table);
    table.get = (partitionKey, rowKey) => {
      reads += 1;
      return get(partitionKey, rowKey);
    };
    return { store: new StatusStore(table, clock), reads: () => reads };
  }

  it('writes the step over that record without reading it again', async () => {
    const { store: counted, reads } = countingStore();
    const id = nextId();
    await counted.create(id);
    await counted.transition(id, 'queued');
    const current = await counted.get(id);
    const before = reads();

    const record = await counted.transition(id, 'processed', undefined, { current });

    expect(reads()).toBe(before);
    expect(record.status).toBe('processed');
    expect((await counted.get(id))?.history.map((step) => step.status)).toEqual([
      'received',
      'queued',
      'processed',
    ]);
  });

  it('keeps a step written since that read, retrying on the etag', async () => {
    const id = nextId();
    await store.create(id);
    const stale = await store.get(id);
    await store.transition(id, 'queued');

    const record = await store.transition(id, 'processed', undefined, { current: stale });

    expect(record.history.map((step) => step.status)).toEqual(['received', 'queued', 'processed']);
    expect((await store.get(id))?.status).toBe('processed');
  });

  it('judges a refusal on a fresh read, not on the record handed in', async () => {
    const id = nextId();
    await store.create(id);
    await store.transition(id, 'rejected', 'AUTH_FAILED');
    const stale = await store.get(id);
    await store.transition(id, 'dead-lettered', 'VALIDATION_FAILED');

    // From `rejected` no path leads to `processed`; from `dead-lettered` it is a late step.
    const record = await store.transition(id, 'processed', undefined, { current: stale });

    expect(record.status).toBe('dead-lettered');
    expect(record.history.map((step) => step.status)).toEqual([
      'received',
      'rejected',
      'dead-lettered',
      'processed',
    ]);
  });

  it('ignores a record of another id', async () => {
    const [id, other] = [nextId(), nextId()];
    await store.create(id);
    await store.create(other);
    await store.transition(other, 'queued');
    const otherRecord = await store.get(other);

    const record = await store.transition(id, 'queued', undefined, { current: otherRecord });

    expect(record.id).toBe(id);
    expect(record.history.map((step) => step.status)).toEqual(['received', 'queued']);
    expect((await store.get(other))?.history.map((step) => step.status)).toEqual([
      'received',
      'queued',
    ]);
  });
});

describe('advance', () => {
  it.each([
    ['received', 'queued', 'queued'],
    ['queued', 'queued', 'queued'],
    ['received', 'delivered', 'delivered'],
    ['delivered', 'processed', 'delivered'],
    ['dead-lettered', 'queued', 'dead-lettered'],
    ['rejected', 'dead-lettered', 'dead-lettered'],
    ['rejected', 'processed', undefined],
    ['delivered', 'rejected', undefined],
  ] as const)('%s then %s gives %s', (current, target, expected) => {
    expect(advance(current as MessageStatus, target as MessageStatus)).toBe(expected);
  });
});
