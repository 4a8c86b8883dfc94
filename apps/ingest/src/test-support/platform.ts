/**
 * The real platform for an ingest test file: Azurite, the local broker serving the
 * gateway's own `config/servicebus.json`, the environment the app reads, and platform
 * clients to look at what the app wrote.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  BlobStore,
  Bus,
  parseConfig,
  StatusStore,
  Table,
  DEFAULT_TABLE_NAMES,
  type Environment,
} from '@hl7gw/platform';
import { FAST_STORAGE_RETRY, startAzurite, type RunningAzurite } from '@hl7gw/platform/testing';
import { loadConfig, startBroker, type RunningBroker } from '@hl7gw/servicebus-local';

/** The API key tests send. */
export const TEST_API_KEY = 'ingest-test-key-0123456789';

const SERVICEBUS_CONFIG = new URL('../../../../config/servicebus.json', import.meta.url);

/** A running platform and clients on it. */
export interface TestPlatform {
  azurite: RunningAzurite;
  broker: RunningBroker;
  /** The environment the app should read. */
  env: Environment;
  bus: Bus;
  blobs: BlobStore;
  statuses: StatusStore;
  /** The status table itself, to count records. */
  statusTable: Table;
  stop(): Promise<void>;
}

/** Starts Azurite and the broker; `env` overrides or adds settings. */
export async function startTestPlatform(env: Environment = {}): Promise<TestPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ingest-test-'));
  const config = loadConfig(await readFile(SERVICEBUS_CONFIG, 'utf8'));
  const [azurite, broker] = await Promise.all([
    startAzurite(),
    startBroker({ port: 0, host: '127.0.0.1', config, dataDir }),
  ]);

  const appEnv: Environment = {
    ServiceBusConnection: broker.connectionString,
    AzureWebJobsStorage: azurite.connectionString,
    HL7GW_DEV_API_KEY: TEST_API_KEY,
    HL7GW_LOG_LEVEL: 'silent',
    ...env,
  };
  // The test's own clients always reach the real Azurite, whatever the app is given.
  const gateway = parseConfig({ ...appEnv, AzureWebJobsStorage: azurite.connectionString });
  const blobs = BlobStore.fromConnection(gateway.storage, { retry: FAST_STORAGE_RETRY });
  const bus = Bus.fromConfig(gateway, blobs);
  const statuses = StatusStore.fromConnection(gateway.storage, { retry: FAST_STORAGE_RETRY });
  const statusTable = Table.fromConnection(
    gateway.storage,
    DEFAULT_TABLE_NAMES.status,
    FAST_STORAGE_RETRY,
  );

  return {
    azurite,
    broker,
    env: appEnv,
    bus,
    blobs,
    statuses,
    statusTable,
    async stop() {
      await bus.close();
      await Promise.allSettled([broker.close(), azurite.stop()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A loopback port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Sets `env` on `process.env` and returns a function that restores what was there. */
export function applyEnv(env: Environment): () => void {
  const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
