/**
 * The local platform the apps run on: the Service Bus-compatible broker and Azurite,
 * started together with their data under one directory, stopped together.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { loadConfig, startBroker } from '@hl7gw/servicebus-local';

import { HostError } from '../host-error.js';
import { type RunningAzurite, startAzurite } from './azurite.js';

/** Where the platform keeps its data and which ports it serves. */
export interface LocalPlatformOptions {
  /** Data root: Azurite under `<dataDir>/azurite`, the broker under `<dataDir>/servicebus`. */
  dataDir: string;
  /** The broker's entities, a Service Bus emulator `Config.json` (`config/servicebus.json`). */
  serviceBusConfigPath: string;
  /** AMQP port; default 5672, 0 picks a free one. */
  serviceBusPort?: number;
  /** Azurite ports; defaults 10000, 10001, 10002, 0 picks free ones. */
  blobPort?: number;
  queuePort?: number;
  tablePort?: number;
}

/** A running local platform. */
export interface LocalPlatform {
  /** For `@azure/service-bus` (`Endpoint=sb://127.0.0.1:<port>;...;UseDevelopmentEmulator=true`). */
  serviceBusConnectionString: string;
  /** For `@azure/storage-blob` and `@azure/data-tables`. */
  storageConnectionString: string;
  serviceBusPort: number;
  azurite: Pick<RunningAzurite, 'blobPort' | 'queuePort' | 'tablePort'>;
  /** Settings the broker read from the configuration and ignored; for the caller to print. */
  warnings: readonly string[];
  /** Stops the broker and Azurite. */
  close(): Promise<void>;
}

async function readBrokerConfig(path: string) {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new HostError(
      'PLATFORM_START_FAILED',
      `cannot read the Service Bus configuration ${path}`,
      {
        cause: error,
      },
    );
  }
  try {
    return loadConfig(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new HostError('PLATFORM_START_FAILED', `${path}: ${why}`, { cause: error });
  }
}

/**
 * Starts the broker and Azurite in parallel; when either fails, stops the other.
 * @throws {HostError} PLATFORM_START_FAILED naming the part that failed, with `cause`.
 */
export async function startLocalPlatform(options: LocalPlatformOptions): Promise<LocalPlatform> {
  const config = await readBrokerConfig(options.serviceBusConfigPath);

  const [broker, azurite] = await Promise.allSettled([
    startBroker({
      port: options.serviceBusPort ?? 5672,
      host: '127.0.0.1',
      config,
      dataDir: join(options.dataDir, 'servicebus'),
    }),
    startAzurite({
      location: join(options.dataDir, 'azurite'),
      blobPort: options.blobPort,
      queuePort: options.queuePort,
      tablePort: options.tablePort,
    }),
  ]);

  if (broker.status === 'rejected' || azurite.status === 'rejected') {
    await Promise.allSettled([
      broker.status === 'fulfilled' ? broker.value.close() : undefined,
      azurite.status === 'fulfilled' ? azurite.value.close() : undefined,
    ]);
    if (azurite.status === 'rejected') throw azurite.reason;
    throw new HostError(
      'PLATFORM_START_FAILED',
      `the Service Bus broker did not start on 127.0.0.1:${options.serviceBusPort ?? 5672}`,
      { cause: broker.status === 'rejected' ? broker.reason : undefined },
    );
  }

  return {
    serviceBusConnectionString: broker.value.connectionString,
    storageConnectionString: azurite.value.connectionString,
    serviceBusPort: broker.value.port,
    azurite: {
      blobPort: azurite.value.blobPort,
      queuePort: azurite.value.queuePort,
      tablePort: azurite.value.tablePort,
    },
    warnings: config.warnings,
    close: async () => {
      await Promise.allSettled([broker.value.close(), azurite.value.close()]);
    },
  };
}
