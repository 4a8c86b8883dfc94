/**
 * The closed set of dead-letter categories (DESIGN "Errors"): every failed message is
 * classified into exactly one, and operators list and replay parked messages by them.
 */

/** Every dead-letter category. */
export const DEAD_LETTER_CATEGORIES = [
  'parse',
  'validation',
  'unsupported',
  'duplicate',
  'delivery',
  'expired',
  'max-delivery',
  'unknown',
] as const;

/** One of `DEAD_LETTER_CATEGORIES`. */
export type DeadLetterCategory = (typeof DEAD_LETTER_CATEGORIES)[number];

/** True when `value` is a dead-letter category. */
export function isDeadLetterCategory(value: unknown): value is DeadLetterCategory {
  return (DEAD_LETTER_CATEGORIES as readonly unknown[]).includes(value);
}
