/**
 * Everything `npm start` needs in one call: the local platform (broker and Azurite), a
 * host with the apps loaded, and a stop that takes both down in order.
 */
import { createHost, type HostOptions, type LocalHost } from './host.js';
import { type LocalPlatform, startLocalPlatform } from './platform/local-platform.js';

/** What to run and where. */
export interface RunLocalHostOptions {
  /** App modules to load (their compiled `functions.js`), in order. */
  apps: string[];
  /** Data root for the broker and Azurite (`.data`). */
  dataDir: string;
  /** The broker's entities (`config/servicebus.json`). */
  serviceBusConfigPath: string;
  /** Host options; the Service Bus connection string defaults to the local broker's. */
  host?: HostOptions;
  /** AMQP port of the broker; default 5672. */
  serviceBusPort?: number;
}

/** A running host on its platform. */
export interface RunningLocalHost {
  host: LocalHost;
  platform: LocalPlatform;
  /** Stops the host gracefully, then the platform. */
  stop(): Promise<void>;
}

/**
 * Starts the platform, exports its connection strings as the standard app settings when
 * they are not set (`AzureWebJobsStorage`, `AzureWebJobsServiceBus`, `ServiceBusConnection`),
 * loads the apps and
 * starts the host.
 * @throws {HostError} from the platform or the host; whatever started is stopped first.
 */
export async function runLocalHost(options: RunLocalHostOptions): Promise<RunningLocalHost> {
  const platform = await startLocalPlatform({
    dataDir: options.dataDir,
    serviceBusConfigPath: options.serviceBusConfigPath,
    serviceBusPort: options.serviceBusPort,
  });
  process.env.AzureWebJobsStorage ??= platform.storageConnectionString;
  process.env.AzureWebJobsServiceBus ??= platform.serviceBusConnectionString;
  // The gateway's apps name their connection `ServiceBusConnection`, as their triggers do.
  process.env.ServiceBusConnection ??= platform.serviceBusConnectionString;

  const host = createHost({
    serviceBusConnectionString: platform.serviceBusConnectionString,
    ...options.host,
  });
  try {
    for (const app of options.apps) await host.load(app);
    await host.start();
  } catch (error) {
    await host.stop();
    await platform.close();
    throw error;
  }

  return {
    host,
    platform,
    stop: async () => {
      await host.stop();
      await platform.close();
    },
  };
}
