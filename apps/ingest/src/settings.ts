/**
 * The ingest app's own settings, beside the shared `GatewayConfig` and the HTTP settings
 * of the route pipeline: the batch size limit and the duplicate window. Parsed once at
 * start-up; a bad value fails fast naming the setting, never echoing it.
 */
import { ConfigError, DEV_API_CLIENT_ID, type Environment } from '@hl7gw/platform';

/** Named defaults for the optional settings. */
export const INGEST_DEFAULTS = {
  // Azure Functions refuses request bodies above 100 MiB; a batch file stays well inside.
  maxBatchBytes: 64 * 1024 * 1024,
  // The `hl7-inbound` queue's DuplicateDetectionHistoryTimeWindow (PT10M).
  duplicateWindowMs: 10 * 60_000,
  retryAfterSeconds: 5,
} as const;

/** The client id the development API key belongs to. */
export const DEV_CLIENT_ID = DEV_API_CLIENT_ID;

/** What the ingest app reads from the environment besides `parseConfig`. */
export interface IngestSettings {
  /** `HL7GW_MAX_BATCH_BYTES`: the largest batch body accepted. */
  maxBatchBytes: number;
  /**
   * `HL7GW_DUPLICATE_WINDOW_MS`: how long a resubmission (same MSH-3, MSH-4, MSH-10) is
   * answered with the first submission's id. Keep it equal to the inbound queue's duplicate
   * detection window, so the API and the bus agree on what a duplicate is.
   */
  duplicateWindowMs: number;
  /** `HL7GW_RETRY_AFTER_SECONDS`: the `Retry-After` of a 503 when a dependency is down. */
  retryAfterSeconds: number;
}

/**
 * Reads the ingest settings. Throws `ConfigError` (code `CONFIG_INVALID`) naming the first
 * setting that is missing or malformed.
 */
export function parseIngestSettings(env: Environment): IngestSettings {
  // API keys (HL7GW_API_KEYS, HL7GW_DEV_API_KEY) are the route pipeline's: parseHttpSettings.
  return {
    maxBatchBytes: positiveInteger(env, 'HL7GW_MAX_BATCH_BYTES', INGEST_DEFAULTS.maxBatchBytes),
    duplicateWindowMs: positiveInteger(
      env,
      'HL7GW_DUPLICATE_WINDOW_MS',
      INGEST_DEFAULTS.duplicateWindowMs,
    ),
    retryAfterSeconds: positiveInteger(
      env,
      'HL7GW_RETRY_AFTER_SECONDS',
      INGEST_DEFAULTS.retryAfterSeconds,
    ),
  };
}

function positiveInteger(env: Environment, name: string, fallback: number): number {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) {
    throw new ConfigError(name, 'must be a positive integer');
  }
  return Number(value);
}
