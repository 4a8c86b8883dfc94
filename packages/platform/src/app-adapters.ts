/**
 * The adapters every app builds the same way from the shared configuration: the blob store
 * (raw archive and claim checks), the bus that uses it for claim checks, the status store,
 * and readiness probes of storage and the bus. Nothing connects until first used.
 */
import { Bus, type BusRetry } from './bus.js';
import { BlobStore } from './blob-store.js';
import type { Clock } from './clock.js';
import type { GatewayConfig } from './config.js';
import type { StorageRetry } from './credential.js';
import { probeBus, probeStorage, type ReadinessProbe } from './http/readiness.js';
import { StatusStore } from './status-store.js';

/** What `createAppAdapters` builds. */
export interface AppAdapters {
  /** Raw archive and claim checks. */
  blobs: BlobStore;
  /** The Service Bus adapter, claim-checking through `blobs`. */
  bus: Bus;
  /** Message status records. */
  statuses: StatusStore;
  /** Probes for `GET /api/health/ready`, each bounded by its `timeoutMs`. */
  readiness: { storage: ReadinessProbe; bus: ReadinessProbe };
}

/** How an app's adapters differ from one app to another. */
export interface AppAdapterOptions {
  /**
   * The queue or topic the bus probe opens a sender on: the path the app's own output
   * takes, so "ready" means the app can do its work, not only that the namespace answers.
   */
  probeEntity: string;
  /** Storage retries; the platform default when absent. */
  storageRetry?: StorageRetry;
  /** Bus retries; the platform default when absent. */
  busRetry?: BusRetry;
  /** The status store's clock; the system clock when absent. */
  clock?: Clock;
}

/**
 * Builds the shared adapters of one app from `config`. Never connects and never throws for
 * a parsed configuration; the probes throw `PlatformError` when a dependency is down.
 */
export function createAppAdapters(config: GatewayConfig, options: AppAdapterOptions): AppAdapters {
  const retry = options.storageRetry;
  const blobs = BlobStore.fromConnection(config.storage, { retry });
  const bus = Bus.fromConfig(config, blobs, options.busRetry);
  const statuses = StatusStore.fromConnection(config.storage, { retry, clock: options.clock });

  return {
    blobs,
    bus,
    statuses,
    readiness: {
      // Reading a record that never exists proves the account answers and the app may read.
      storage: (timeoutMs) =>
        probeStorage(config.storage, () => statuses.get('readiness-probe'), timeoutMs),
      bus: (timeoutMs) => probeBus(bus, options.probeEntity, timeoutMs),
    },
  };
}
