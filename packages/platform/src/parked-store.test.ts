import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isPlatformError } from './errors.js';
import { createIdGenerator } from './ids.js';
import { ParkedStore, type ParkedQuery, type ParkedRecord } from './parked-store.js';
import { FAST_STORAGE_RETRY } from './testing/fast-retry.js';
import { startAzurite, type RunningAzurite } from './testing/azurite.js';

let azurite: RunningAzurite;
let store: ParkedStore;
const nextId = createIdGenerator();

function parked(overrides: Partial<ParkedRecord> = {}): ParkedRecord {
  const id = overrides.id ?? nextId();
  return {
    id,
    category: 'validation',
    reason: 'REQUIRED_FIELD_MISSING',
    description: 'PID-3 is required',
    sourceEntity: 'hl7-inbound',
    messageType: 'ORU^R01',
    sendingApplication: 'LAB',
    sendingFacility: 'RIVERSIDE',
    controlId: 'C0001',
    deadLetteredAt: '2024-03-15T10:00:00.000Z',
    parkedAt: '2024-03-15T10:00:01.000Z',
    deliveryCount: 1,
    replayCount: 0,
    blobName: `parked/${id}.hl7`,
    state: 'parked',
    ...overrides,
  };
}

const seeded: Record<string, string> = {};

beforeAll(async () => {
  azurite = await startAzurite();
  store = ParkedStore.fromConnection(
    { kind: 'connection-string', connectionString: azurite.connectionString },
    { retry: FAST_STORAGE_RETRY },
  );

  // Listing tests read only these, by their sending application.
  const seeds: [string, Partial<ParkedRecord>][] = [
    ['parse-14th', { category: 'parse', deadLetteredAt: '2024-03-14T09:00:00.000Z' }],
    ['hilltop', { sendingFacility: 'HILLTOP' }],
    ['adt', { messageType: 'ADT^A01', category: 'unsupported' }],
    ['max-16th', { category: 'max-delivery', deadLetteredAt: '2024-03-16T08:00:00.000Z' }],
    ['valid-16th', { deadLetteredAt: '2024-03-16T09:00:00.000Z' }],
  ];
  for (const [name, overrides] of seeds) {
    const record = await store.park(parked({ ...overrides, sendingApplication: 'SEED' }));
    seeded[record.id] = name;
  }
});

afterAll(async () => {
  await azurite?.stop();
});

describe('ParkedStore against Azurite', () => {
  it('parks a record and reads it back whole', async () => {
    const record = parked({ id: nextId() });

    await store.park(record);

    expect(await store.get(record.id)).toEqual(record);
  });

  it('parks idempotently, keeping the first record', async () => {
    const record = parked();
    await store.park(record);

    const again = await store.park({ ...record, reason: 'SOMETHING_ELSE' });

    expect(again.reason).toBe('REQUIRED_FIELD_MISSING');
  });

  it.each([
    [{ category: 'parse' as const }, ['parse-14th']],
    [{ category: 'validation' as const, sendingFacility: 'HILLTOP' }, ['hilltop']],
    [{ messageType: 'ADT^A01' }, ['adt']],
    [{ from: new Date('2024-03-16T00:00:00Z') }, ['max-16th', 'valid-16th']],
    [
      { from: new Date('2024-03-16T00:00:00Z'), to: new Date('2024-03-16T08:30:00Z') },
      ['max-16th'],
    ],
    [{ to: new Date('2024-03-15T00:00:00Z') }, ['parse-14th']],
    [{ category: 'validation' as const }, ['hilltop', 'valid-16th']],
  ] satisfies [ParkedQuery, string[]][])('lists by %o', async (query, expected) => {
    const page = await store.list({ ...query, sendingApplication: 'SEED', state: 'parked' });

    expect(page.items.map((item) => seeded[item.id])).toEqual(expected);
    expect(page.continuationToken).toBeUndefined();
  });

  it('pages with continuation tokens, in arrival order, without repeats', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await store.list({}, 2, token);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.id));
      token = page.continuationToken;
    } while (token !== undefined);

    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(seen);
  });

  it('marks a record replayed once, and only once', async () => {
    const record = parked();
    await store.park(record);

    const replayed = await store.markReplayed(
      record.id,
      nextId(),
      new Date('2024-03-17T00:00:00Z'),
    );
    const second = await store.markReplayed(record.id, nextId(), new Date()).catch((e) => e);

    expect(replayed.state).toBe('replayed');
    expect(await store.get(record.id)).toEqual(replayed);
    expect(isPlatformError(second) && second.code).toBe('CONFLICT');
    expect((await store.list({ state: 'replayed' })).items.map((item) => item.id)).toContain(
      record.id,
    );
  });

  it('purges a record', async () => {
    const record = parked();
    await store.park(record);

    expect(await store.remove(record.id)).toBe(true);
    expect(await store.remove(record.id)).toBe(false);
    expect(await store.get(record.id)).toBeUndefined();
  });

  it('refuses page sizes outside 1-1000', async () => {
    await expect(store.list({}, 0)).rejects.toThrow(RangeError);
  });
});
