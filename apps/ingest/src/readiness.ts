/**
 * Readiness probes for `GET /api/health/ready`: can this instance reach storage and the
 * bus right now? Each probe is cheap and bounded by a deadline, because a load balancer
 * polls it and a hung dependency must read as "down" in seconds, not after SDK retries.
 */
import {
  checkStorageReachable,
  PlatformError,
  toPlatformError,
  type Bus,
  type StatusStore,
  type StorageConnection,
} from '@hl7gw/platform';

/**
 * Resolves when storage answers within `timeoutMs`: a TCP connect to every endpoint of a
 * connection string, or a status read (which also proves the managed identity's rights).
 * Throws `PlatformError` `STORAGE_UNAVAILABLE` or `TIMEOUT`.
 */
export async function probeStorage(
  storage: StorageConnection,
  statuses: StatusStore,
  timeoutMs: number,
): Promise<void> {
  if (storage.kind === 'connection-string') {
    await checkStorageReachable(storage.connectionString, timeoutMs);
    return;
  }
  await withDeadline(statuses.get('readiness-probe'), timeoutMs, 'storage');
}

/**
 * Resolves when the bus opens a sender link on `queue` within `timeoutMs`: the same path
 * a submission takes, without sending anything. Throws `PlatformError` `BUS_UNAVAILABLE`,
 * `NOT_FOUND` (no such queue) or `TIMEOUT`.
 */
export async function probeBus(bus: Bus, queue: string, timeoutMs: number): Promise<void> {
  const sender = bus.client.createSender(queue);
  try {
    const opened = sender.createMessageBatch({ abortSignal: AbortSignal.timeout(timeoutMs) });
    await withDeadline(opened, timeoutMs, 'bus');
  } catch (error) {
    throw toPlatformError(error, 'bus');
  } finally {
    sender.close().catch(() => undefined);
  }
}

/** `work`, or a `TIMEOUT` error when it has not settled within `timeoutMs`. */
async function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  dependency: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PlatformError('TIMEOUT', `${dependency} did not answer in ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    // The losing promise may still reject later; that must not become an unhandled rejection.
    work.catch(() => undefined);
  }
}
