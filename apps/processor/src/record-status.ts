/**
 * Status steps the processor records (`processed`, `dead-lettered`). The record is written
 * by ingest; a message can overtake that write, so a missing record is waited for briefly.
 * A record that never appears does not stop the message: the result (or the dead letter)
 * matters more than its bookkeeping, and the miss is logged.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import {
  isPlatformError,
  type MessageStatus,
  type StatusRecord,
  type StatusStore,
} from '@hl7gw/platform';

import type { AppLogger } from './deps.js';

const POLL_MS = 100;

/**
 * Records `status` (with `detail`, a code) on the message `id`, waiting up to `waitMs` for
 * its record to exist. `current`, the record as the store's `get` just returned it, lets
 * the first attempt skip reading it again. Returns the record, or undefined when there was
 * none.
 * @throws PlatformError when storage fails (transient: the caller lets the bus retry).
 */
export async function recordStatus(
  statuses: Pick<StatusStore, 'transition'>,
  id: string,
  status: MessageStatus,
  options: { detail?: string; waitMs: number; log: AppLogger; current?: StatusRecord },
): Promise<StatusRecord | undefined> {
  const deadline = Date.now() + options.waitMs;
  // The record read moments ago saves the first attempt a read; later attempts read afresh.
  let current = options.current;
  for (;;) {
    try {
      const transitionOptions = current === undefined ? {} : { current };
      current = undefined;
      return await statuses.transition(id, status, options.detail, transitionOptions);
    } catch (error) {
      const missing = isPlatformError(error) && error.code === 'NOT_FOUND';
      if (!missing) throw error;
      if (Date.now() >= deadline) {
        options.log.warn({ status }, 'no status record for the message; step not recorded');
        return undefined;
      }
      await sleep(POLL_MS);
    }
  }
}
