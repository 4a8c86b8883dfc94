/**
 * The whole gateway in the test process: Azurite, the broker with the gateway's entities
 * (plus test subscriptions on `hl7-results`), and the local host running the three apps'
 * built `dist/functions.js`, the same registrations Azure runs.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ServiceBusClient } from '@azure/service-bus';
import { consoleHostLog, createHost, silentHostLog, type HostOptions } from '@hl7gw/local-host';
import { startAzurite } from '@hl7gw/platform/testing';

import { appModules, RESULTS_SUBSCRIPTION, type TestSubscription } from './broker-config.js';
import { startTestBroker } from './broker.js';

/** The development API key every test gateway accepts. */
export const TEST_API_KEY = 'e2e-test-key-0123456789abcdef';

const UNLIMITED = { ratePerSecond: 1_000_000, burst: 1_000_000 };
const UNLIMITED_RATES = { submit: UNLIMITED, read: UNLIMITED, operator: UNLIMITED };

/**
 * Host options of every test host. A session is held until it has been idle this long, so
 * with many patients of a few messages each the 2 s default leaves the processor waiting;
 * a short one keeps the thousand-message tests quick without changing what they test.
 */
export const TEST_HOST_OPTIONS = { receiveWaitMs: 200, sessionIdleTimeoutMs: 250 } as const;

/** What to start. */
export interface GatewayOptions {
  /** Subscriptions on `hl7-results` besides the configured ones; `RESULTS_SUBSCRIPTION` by default. */
  subscriptions?: TestSubscription[];
  /** More app settings (set in `process.env` before the apps load). */
  env?: Record<string, string>;
  /** Host options over the harness's own (such as `sessionIdleTimeoutMs`). */
  host?: HostOptions;
}

/** A running gateway. */
export interface Gateway {
  /** `http://127.0.0.1:<port>/api`. */
  api: string;
  /** The key to send as `x-api-key`. */
  apiKey: string;
  /** A client on the gateway's broker, for reading results off test subscriptions. */
  bus: ServiceBusClient;
  /** The app settings the apps were started with. */
  env: Record<string, string>;
  /** Stops the host, the broker and Azurite, and removes the data. */
  stop(): Promise<void>;
}

/** The app settings the apps need, for a given storage and bus. */
export function appSettings(
  storage: string,
  serviceBus: string,
  subscriptions: readonly TestSubscription[],
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AzureWebJobsStorage: storage,
    ServiceBusConnection: serviceBus,
    HL7GW_DEV_API_KEY: TEST_API_KEY,
    HL7GW_ENVIRONMENT: 'test',
    // Tests provoke failures on purpose; HL7GW_TEST_LOG_LEVEL shows the apps' logs when wanted.
    HL7GW_LOG_LEVEL: process.env.HL7GW_TEST_LOG_LEVEL ?? 'silent',
    // The load and crash tests send a thousand messages and read a thousand statuses as fast
    // as they can; the per-client limits are not what they test (a test may set its own).
    HL7GW_RATE_LIMITS: JSON.stringify({ default: UNLIMITED_RATES }),
    // The deadletter app also parks what dead-letters on the test subscriptions.
    HL7GW_RESULT_SUBSCRIPTIONS: [
      'integrators',
      'abnormal',
      ...subscriptions.map((s) => s.name),
    ].join(','),
    ...extra,
  };
}

/** Throws a clear error when an app has not been built (`node scripts/run.mjs build`). */
export function requireBuiltApps(): URL[] {
  const modules = appModules();
  const missing = modules.filter((url) => !existsSync(fileURLToPath(url)));
  if (missing.length > 0) {
    throw new Error(`not built: ${missing.map((u) => u.pathname).join(', ')}; run npm run build`);
  }
  return modules;
}

/**
 * Starts the gateway in this process. One per test file: the apps' registrations are
 * captured once per process, so a second host in the same process would run none.
 */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const modules = requireBuiltApps();
  const subscriptions = options.subscriptions ?? [RESULTS_SUBSCRIPTION];
  const dataDir = await mkdtemp(join(tmpdir(), 'hl7gw-e2e-'));
  const stops: (() => Promise<void>)[] = [() => rm(dataDir, { recursive: true, force: true })];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };

  try {
    const azurite = await startAzurite();
    stops.push(() => azurite.stop());
    const broker = await startTestBroker(dataDir, subscriptions, { housekeepingIntervalMs: 50 });
    stops.push(() => broker.close());

    const env = appSettings(
      azurite.connectionString,
      broker.connectionString,
      subscriptions,
      options.env,
    );
    // Registrations read entity names from the environment as the apps load.
    Object.assign(process.env, env);

    const bus = new ServiceBusClient(broker.connectionString);
    stops.push(() => bus.close());

    const host = createHost({
      port: 0,
      serviceBusConnectionString: broker.connectionString,
      ...TEST_HOST_OPTIONS,
      log: process.env.HL7GW_TEST_HOST_LOG ? consoleHostLog('warn') : silentHostLog,
      ...options.host,
    });
    for (const module of modules) await host.load(module);
    await host.start();
    stops.push(() => host.stop());

    return { api: `${host.baseUrl}/api`, apiKey: TEST_API_KEY, bus, env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
