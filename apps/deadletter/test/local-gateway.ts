/**
 * The deadletter app on the local host for a test file: Azurite, the broker with the
 * gateway's own entities (`config/servicebus.json`), the host running the built
 * `dist/functions.js`, and a `Deps` on the same storage and bus for the test to send,
 * dead-letter and inspect with.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createHost, silentHostLog, type LocalHost } from '@hl7gw/local-host';
import { startAzurite, type RunningAzurite } from '@hl7gw/platform/testing';
import { loadConfig, startBroker, type RunningBroker } from '@hl7gw/servicebus-local';

import { createDeps, type Deps } from '../src/deps.js';

/** The API key the host's apps accept. */
export const TEST_API_KEY = 'deadletter-test-key-0123456789';

/** A running local gateway with only the deadletter app loaded. */
export interface LocalGateway {
  /** `http://127.0.0.1:<port>/api`. */
  api: string;
  /** Adapters on the same bus and storage as the host. */
  deps: Deps;
  /** The environment the apps were configured from. */
  env: Record<string, string>;
  /** Stops everything it started. */
  stop(): Promise<void>;
}

/**
 * Starts the platform and the host. `extraEnv` is added to the process environment the
 * apps read (set before they load, since registrations read entity names).
 */
export async function startLocalGateway(
  extraEnv: Record<string, string> = {},
): Promise<LocalGateway> {
  const dataDir = await mkdtemp(join(tmpdir(), 'deadletter-test-'));
  const started: (() => Promise<void>)[] = [() => rm(dataDir, { recursive: true, force: true })];
  const stop = async () => {
    for (const step of started.reverse()) await step();
  };

  try {
    const azurite: RunningAzurite = await startAzurite();
    started.push(() => azurite.stop());
    const configText = await readFile(
      new URL('../../../config/servicebus.json', import.meta.url),
      'utf8',
    );
    const broker: RunningBroker = await startBroker({
      port: 0,
      config: loadConfig(configText),
      dataDir,
      housekeepingIntervalMs: 50,
    });
    started.push(() => broker.close());

    const env = {
      AzureWebJobsStorage: azurite.connectionString,
      ServiceBusConnection: broker.connectionString,
      HL7GW_DEV_API_KEY: TEST_API_KEY,
      HL7GW_LOG_LEVEL: 'error',
      ...extraEnv,
    };
    Object.assign(process.env, env);

    const deps = createDeps(env);
    started.push(() => deps.bus.close());

    const host: LocalHost = createHost({
      port: 0,
      serviceBusConnectionString: broker.connectionString,
      receiveWaitMs: 200,
      log: silentHostLog,
    });
    await host.load(new URL('../dist/functions.js', import.meta.url));
    await host.start();
    started.push(() => host.stop());

    return { api: `${host.baseUrl}/api`, deps, env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
