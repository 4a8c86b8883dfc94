/**
 * What the ingest handlers are built from, created once per process from the environment:
 * configuration, the API keys, the bus, the blob and table stores, the duplicate index,
 * the clock, ids, the logger and the audit log. Nothing connects until first used.
 */
import {
  AuditLog,
  BatchStore,
  createAppAdapters,
  createIdGenerator,
  createLogger,
  createRouteSecurity,
  parseAuditSettings,
  parseConfig,
  systemClock,
  type AuditWriter,
  type BlobStore,
  type Bus,
  type BusRetry,
  type Clock,
  type Environment,
  type GatewayConfig,
  type IdGenerator,
  type RouteSecurity,
  type StatusStore,
  type StorageRetry,
} from '@hl7gw/platform';

import { MessageClaims } from './claims.js';
import { parseIngestSettings, type IngestSettings } from './settings.js';

/** The gateway logger type (pino), without depending on pino directly. */
export type Logger = ReturnType<typeof createLogger>;

/**
 * Storage retries on the request path: a lab system waits for the answer, and it retries a
 * 503 itself, so a few quick attempts beat the SDK's minutes of back-off.
 */
export const REQUEST_STORAGE_RETRY: StorageRetry = {
  maxRetries: 2,
  tryTimeoutMs: 10_000,
  retryDelayMs: 200,
};

/** Bus retries on the request path, for the same reason. */
export const REQUEST_BUS_RETRY: BusRetry = { maxRetries: 2, timeoutMs: 10_000 };

/** Everything the handlers need. */
export interface Deps {
  /** The shared gateway configuration. */
  config: GatewayConfig;
  /** The ingest app's own settings. */
  settings: IngestSettings;
  /** The route pipeline's authentication, rate limits and HTTP settings. */
  security: RouteSecurity;
  /** The Service Bus adapter. */
  bus: Bus;
  /** Raw archive and claim checks. */
  blobs: BlobStore;
  /** Message status records. */
  statuses: StatusStore;
  /** Batch records. */
  batches: BatchStore;
  /** The duplicate index. */
  claims: MessageClaims;
  /** Where time comes from. */
  clock: Clock;
  /** Makes gateway ids. */
  ids: IdGenerator;
  /** The app's logger; handlers log through a child per message. */
  logger: Logger;
  /** The append-only audit log: status reads and refused credentials. */
  audit: AuditWriter;
  /** Readiness probes, each bounded by `timeoutMs`; they throw `PlatformError` when down. */
  readiness: {
    storage(timeoutMs: number): Promise<void>;
    bus(timeoutMs: number): Promise<void>;
  };
  /** Closes the bus connection. */
  close(): Promise<void>;
}

/** Replacements for tests. */
export interface DepsOverrides {
  /** A clock other than the system clock. */
  clock?: Clock;
  /** A logger other than the standard-output one. */
  logger?: Logger;
  /** Storage retries other than `REQUEST_STORAGE_RETRY`. */
  storageRetry?: StorageRetry;
  /** Bus retries other than `REQUEST_BUS_RETRY`. */
  busRetry?: BusRetry;
  /** An audit log other than the `AuditLog` of the configured storage account. */
  audit?: AuditWriter;
}

/**
 * Builds the real adapters from `env`. Throws `ConfigError` (code `CONFIG_INVALID`) naming
 * the first bad setting, so a misconfigured app fails on its first request, loudly.
 */
export function createDeps(env: Environment = process.env, overrides: DepsOverrides = {}): Deps {
  const config = parseConfig(env);
  const settings = parseIngestSettings(env);
  const clock = overrides.clock ?? systemClock;
  const retry = overrides.storageRetry ?? REQUEST_STORAGE_RETRY;

  const { blobs, bus, statuses, readiness } = createAppAdapters(config, {
    probeEntity: config.entities.inboundQueue,
    storageRetry: retry,
    busRetry: overrides.busRetry ?? REQUEST_BUS_RETRY,
    clock,
  });
  const batches = BatchStore.fromConnection(config.storage, { retry });
  const claims = MessageClaims.fromConnection(config.storage, {
    clock,
    windowMs: settings.duplicateWindowMs,
    retry,
  });
  const audit =
    overrides.audit ??
    AuditLog.fromConnection(config.storage, { ...parseAuditSettings(env, 'ingest'), clock, retry });
  const logger =
    overrides.logger ??
    createLogger({ level: config.logLevel, service: 'ingest', environment: config.environment });

  return {
    config,
    settings,
    security: createRouteSecurity(env, { logger, audit }),
    bus,
    blobs,
    statuses,
    batches,
    claims,
    clock,
    ids: createIdGenerator(clock),
    logger,
    audit,
    readiness,
    close: () => bus.close(),
  };
}
