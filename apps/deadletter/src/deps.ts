/**
 * What the deadletter handlers need, built once per process from configuration: the bus,
 * the stores, the status table scan for reports, the clock, ids, the logger, the route
 * pipeline's security (API keys, Entra ID, rate limits) and the audit log. Handlers
 * receive a `Deps` and never know which host or bus they run on.
 */
import {
  AuditLog,
  createAppAdapters,
  createLogger,
  createRouteSecurity,
  DEFAULT_TABLE_NAMES,
  DEV_API_CLIENT_ID,
  newGatewayId,
  ParkedStore,
  parseAuditSettings,
  parseConfig,
  systemClock,
  Table,
  type AuditWriter,
  type BlobStore,
  type Bus,
  type Clock,
  type Environment,
  type GatewayConfig,
  type IdGenerator,
  type ReadinessProbe,
  type RouteSecurity,
  type StatusStore,
  type StorageRetry,
} from '@hl7gw/platform';

import { parseDeadletterSettings, type DeadletterSettings } from './settings.js';
import { StatusScan } from './status-scan.js';

/** The gateway logger type. */
export type AppLogger = ReturnType<typeof createLogger>;

/** The client id the development API key is bound to. */
export const DEV_CLIENT_ID = DEV_API_CLIENT_ID;

/** Everything a deadletter handler may use. */
export interface Deps {
  /** The shared gateway configuration. */
  config: GatewayConfig;
  /** The deadletter app's own settings. */
  settings: DeadletterSettings;
  /** The bus, for replays. */
  bus: Bus;
  /** Raw content: parked bytes and claim checks. */
  blobs: BlobStore;
  /** Message status records. */
  statuses: StatusStore;
  /** Parked dead letters. */
  parked: ParkedStore;
  /** Reads status records by time, for reports. */
  statusScan: StatusScan;
  /** Where times come from. */
  clock: Clock;
  /** Makes gateway ids. */
  ids: IdGenerator;
  /** The app's logger; handlers log through children of it. */
  logger: AppLogger;
  /** The route pipeline's authentication, rate limits and HTTP settings. */
  security: RouteSecurity;
  /** The append-only audit log: operator actions and every read of raw content. */
  audit: AuditWriter;
  /**
   * Readiness probes of what the app needs: storage (parked records, raw bytes, statuses)
   * and the bus (a sender on the inbound queue, the path every replay takes).
   */
  readiness: { storage: ReadinessProbe; bus: ReadinessProbe };
}

/** What a caller may choose besides the environment (tests: a captured logger, fast retries). */
export interface CreateDepsOptions {
  /** The logger; one writing to standard output at the configured level when absent. */
  logger?: AppLogger;
  /** How hard storage is retried; the platform default when absent. */
  storageRetry?: StorageRetry;
  /** The audit log; the `AuditLog` of the configured storage account when absent. */
  audit?: AuditWriter;
}

/**
 * Builds the real adapters from `env` (`process.env` by default). Throws `ConfigError`
 * naming the first bad setting, so a misconfigured app fails at its first invocation
 * rather than half-working. No connection is made until first use.
 */
export function createDeps(env: Environment = process.env, options: CreateDepsOptions = {}): Deps {
  const config = parseConfig(env);
  const settings = parseDeadletterSettings(env);
  const logger =
    options.logger ??
    createLogger({
      level: config.logLevel,
      service: 'deadletter',
      environment: config.environment,
    });
  const retry = options.storageRetry === undefined ? {} : { retry: options.storageRetry };
  const { blobs, bus, statuses, readiness } = createAppAdapters(config, {
    probeEntity: config.entities.inboundQueue,
    storageRetry: options.storageRetry,
  });
  const audit =
    options.audit ??
    AuditLog.fromConnection(config.storage, { ...parseAuditSettings(env, 'deadletter'), ...retry });
  const security = createRouteSecurity(env, { logger, audit });
  if (security.settings.apiKeyClients.length === 0 && security.settings.entra === undefined) {
    logger.warn('no API key and no Entra ID tenant is configured: every API call will be refused');
  }
  return {
    config,
    settings,
    bus,
    blobs,
    statuses,
    parked: ParkedStore.fromConnection(config.storage, retry),
    statusScan: new StatusScan(
      Table.fromConnection(config.storage, DEFAULT_TABLE_NAMES.status, options.storageRetry),
    ),
    clock: systemClock,
    ids: newGatewayId,
    logger,
    security,
    audit,
    readiness,
  };
}
