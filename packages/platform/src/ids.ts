/**
 * Gateway ids: ULIDs, 26 Crockford base-32 characters that sort by creation time, so a
 * listing ordered by id is ordered by arrival. The generator is monotonic: ids made in the
 * same millisecond still sort in the order they were made.
 */
import { decodeTime, isValid, monotonicFactory } from 'ulid';

import { systemClock, type Clock } from './clock.js';

/** Makes gateway ids. */
export type IdGenerator = () => string;

/**
 * Returns a monotonic ULID generator reading the time from `clock`, so ids made under a
 * test clock carry that clock's time.
 */
export function createIdGenerator(clock: Clock = systemClock): IdGenerator {
  const next = monotonicFactory();
  return () => next(clock.now().getTime());
}

/** A new gateway id from the process-wide monotonic generator on the system clock. */
export const newGatewayId: IdGenerator = createIdGenerator();

/** True when `value` is a well-formed ULID. */
export function isGatewayId(value: unknown): value is string {
  return typeof value === 'string' && value.length === 26 && isValid(value);
}

/** The creation time encoded in a gateway id. Throws `RangeError` for a malformed id. */
export function gatewayIdTime(id: string): Date {
  if (!isGatewayId(id)) throw new RangeError('not a gateway id (ULID)');
  return new Date(decodeTime(id));
}
