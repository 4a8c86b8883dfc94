import { PlatformError, type StatusRecord } from '@hl7gw/platform';
import { captureLogs } from '@hl7gw/platform/testing';
import { describe, expect, it } from 'vitest';

import { recordStatus } from './record-status.js';

const RECORD = { id: 'X', status: 'processed', history: [] } as unknown as StatusRecord;

/** A status store stand-in whose record appears after `missingCalls` calls. */
function storeAppearingAfter(missingCalls: number) {
  let calls = 0;
  return {
    calls: () => calls,
    transition: async () => {
      calls++;
      if (calls <= missingCalls) throw new PlatformError('NOT_FOUND', 'no status record');
      return RECORD;
    },
  };
}

describe('recordStatus', () => {
  it('waits for a record ingest has not written yet', async () => {
    const store = storeAppearingAfter(2);
    const { logger } = captureLogs();

    await expect(
      recordStatus(store, 'X', 'processed', { waitMs: 1_000, log: logger }),
    ).resolves.toBe(RECORD);
    expect(store.calls()).toBe(3);
  });

  it('hands the record read before to the first attempt only', async () => {
    const handed: unknown[] = [];
    let calls = 0;
    const store = {
      transition: async (_id: string, _status: string, _detail?: string, options?: unknown) => {
        handed.push((options as { current?: unknown } | undefined)?.current);
        calls++;
        if (calls === 1) throw new PlatformError('NOT_FOUND', 'no status record');
        return RECORD;
      },
    };
    const current = { ...RECORD, status: 'queued' } as StatusRecord;

    await recordStatus(store, 'X', 'processed', {
      waitMs: 1_000,
      log: captureLogs().logger,
      current,
    });

    expect(handed).toEqual([current, undefined]);
  });

  it('goes on without the step when the record never appears, and says so', async () => {
    const store = storeAppearingAfter(Infinity);
    const logs = captureLogs();

    const recorded = await recordStatus(store, 'X', 'processed', { waitMs: 0, log: logs.logger });

    expect(recorded).toBeUndefined();
    expect(logs.lines()).toMatchObject([{ level: 'warn', status: 'processed' }]);
  });

  it('throws a storage failure, which is the bus’s to retry', async () => {
    const store = {
      transition: () => Promise.reject(new PlatformError('STORAGE_UNAVAILABLE', 'down')),
    };

    await expect(
      recordStatus(store, 'X', 'processed', { waitMs: 1_000, log: captureLogs().logger }),
    ).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  });
});
