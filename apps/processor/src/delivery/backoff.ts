/**
 * Retry delays: exponential backoff with jitter. The n-th retry waits a random time between
 * half and all of `min(maxMs, baseMs * 2^(n-1))`, so retries of many results that failed
 * together spread out instead of arriving at a recovering destination at once.
 */

/** The delay bounds of a destination. */
export interface BackoffPolicy {
  /** The ceiling of the first retry's delay. */
  backoffBaseMs: number;
  /** The largest ceiling. */
  backoffMaxMs: number;
}

/**
 * How long to wait before attempt `attempt + 1`, after `attempt` attempts failed
 * (`attempt` ≥ 1). `random` returns a number in [0, 1), `Math.random` by default.
 */
export function retryDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
