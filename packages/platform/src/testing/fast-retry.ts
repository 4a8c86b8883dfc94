/**
 * The storage retry policy for tests: one retry, short deadlines, so a missing Azurite
 * fails a test in seconds rather than minutes.
 */
import type { StorageRetry } from '../credential.js';

/** One retry, 5 s per attempt, 100 ms back-off. */
export const FAST_STORAGE_RETRY: StorageRetry = {
  maxRetries: 1,
  tryTimeoutMs: 5_000,
  retryDelayMs: 100,
};
