/**
 * Starting and stopping the broker: the store, the entities, the housekeeping timer and the
 * AMQP listener, together.
 */
import { startAmqpServer } from './amqp/server.js';
import type { BrokerConfig } from './config.js';
import { EntityRegistry } from './entities/entity-registry.js';
import { MessageStore } from './store/message-store.js';

/** How to start a broker. */
export interface BrokerOptions {
  /** The entities to serve, as `loadConfig` reads them. */
  readonly config: BrokerConfig;
  /** Where the SQLite file lives; created when missing. One broker per directory. */
  readonly dataDir: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Defaults to 127.0.0.1: the broker has no authentication, so keep it on loopback. */
  readonly host?: string;
  /** The largest message or batch a sender may send; 256 KiB as Service Bus Standard. */
  readonly maxMessageSizeBytes?: number;
  /** How often lock expiry, TTL and schedules are applied; 200 ms by default. */
  readonly housekeepingIntervalMs?: number;
  /** Told about a write the store failed to make; the broker itself never logs. */
  readonly onStoreError?: (error: unknown) => void;
}

/** A running broker. */
export interface RunningBroker {
  readonly port: number;
  /** The connection string a Service Bus client uses to reach it. */
  readonly connectionString: string;
  /** Closes every connection, commits what is staged and closes the store. */
  close(): Promise<void>;
}

/** Service Bus Standard's message size limit. */
export const DEFAULT_MAX_MESSAGE_SIZE_BYTES = 256 * 1024;

/**
 * Builds the connection string a Service Bus client uses for a broker on `host:port`. The key
 * is a placeholder: the broker accepts any token.
 */
export function connectionStringFor(host: string, port: number): string {
  return (
    `Endpoint=sb://${host}:${port};SharedAccessKeyName=local;SharedAccessKey=local;` +
    'UseDevelopmentEmulator=true'
  );
}

/**
 * Opens the store in `dataDir`, rebuilds the entities from it, and starts listening.
 * @throws Error when the store cannot be opened (another broker holds it) or the port cannot
 *   be bound; FilterError when a subscription rule does not compile.
 */
export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const host = options.host ?? '127.0.0.1';
  const onStoreError = options.onStoreError ?? (() => undefined);
  const store = MessageStore.open(options.dataDir);

  let registry: EntityRegistry;
  try {
    registry = new EntityRegistry(options.config, store, onStoreError);
    registry.restore(store.load());
  } catch (error) {
    store.close();
    throw error;
  }

  const timer = setInterval(
    () => registry.sweep(Date.now()),
    options.housekeepingIntervalMs ?? 200,
  );
  timer.unref();

  let server;
  try {
    server = await startAmqpServer({
      host,
      port: options.port ?? 0,
      registry,
      maxMessageSizeBytes: options.maxMessageSizeBytes ?? DEFAULT_MAX_MESSAGE_SIZE_BYTES,
    });
  } catch (error) {
    clearInterval(timer);
    store.close();
    throw error;
  }

  const { port } = server;
  let closing: Promise<void> | undefined;
  return {
    port,
    connectionString: connectionStringFor(host, port),
    close: () => {
      closing ??= (async () => {
        clearInterval(timer);
        await server.close();
        store.close();
      })();
      return closing;
    },
  };
}
