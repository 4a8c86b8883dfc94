/**
 * What the processor handlers need, built once per process from configuration: the bus
 * (with its claim-check blob store), the status store, the clock, the logger and the
 * processor settings. Handlers receive a `Deps` and never know which host or bus they run on.
 */
import {
  createAppAdapters,
  createLogger,
  parseConfig,
  systemClock,
  type BlobStore,
  type Bus,
  type Clock,
  type Environment,
  type GatewayConfig,
  type ReadinessProbe,
  type StatusStore,
} from '@hl7gw/platform';

import { parseProcessorSettings, type ProcessorSettings } from './settings.js';

/** The gateway logger type. */
export type AppLogger = ReturnType<typeof createLogger>;

/** Everything a processor handler may use. */
export interface Deps {
  /** The shared gateway configuration. */
  config: GatewayConfig;
  /** The processor's own settings. */
  settings: ProcessorSettings;
  /** Reads claim checks and publishes results. */
  bus: Bus;
  /** Message status records. */
  statuses: StatusStore;
  /** Message content: the raw archive and claim checks. */
  blobs: BlobStore;
  /** Where times come from. */
  clock: Clock;
  /** The app's logger; handlers log through children of it. */
  logger: AppLogger;
  /**
   * Readiness probes of what processing needs: storage (statuses, claim checks) and the
   * bus (a sender on the results topic, the path every result takes).
   */
  readiness: { storage: ReadinessProbe; bus: ReadinessProbe };
  /** Closes the bus connection (tests and graceful shutdown). */
  close(): Promise<void>;
}

/**
 * Builds the real adapters from `env` (`process.env` by default). Throws `ConfigError`
 * naming the first bad setting. No connection is made until first use.
 */
export function createDeps(env: Environment = process.env): Deps {
  const config = parseConfig(env);
  const settings = parseProcessorSettings(env);
  const logger = createLogger({
    level: config.logLevel,
    service: 'processor',
    environment: config.environment,
  });

  // Results are what processing produces, so readiness opens a sender on their topic.
  const { blobs, bus, statuses, readiness } = createAppAdapters(config, {
    probeEntity: config.entities.resultsTopic,
  });
  return {
    config,
    settings,
    bus,
    blobs,
    statuses,
    clock: systemClock,
    logger,
    readiness,
    close: () => bus.close(),
  };
}
