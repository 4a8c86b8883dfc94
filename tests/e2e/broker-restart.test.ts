/**
 * The broker stopped and started again (same data directory, same port) in the middle of
 * 1,000 messages, while the host and Azurite stay up in this process. Ingest answers 503
 * while the bus is away and the clients retry; the host's receivers reconnect. Every
 * accepted message ends `processed` and comes out on the results subscription exactly once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { ServiceBusClient } from '@azure/service-bus';
import { createHost, silentHostLog, type LocalHost } from '@hl7gw/local-host';
import { startAzurite, type RunningAzurite } from '@hl7gw/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RESULTS_SUBSCRIPTION, writeBrokerConfig } from '../support/broker-config.js';
import {
  appSettings,
  requireBuiltApps,
  TEST_API_KEY,
  TEST_HOST_OPTIONS,
} from '../support/gateway.js';
import { countResults, loadMessages, submitAll, tracer, unprocessed } from '../support/load.js';
import { portOf, startBrokerProcess, type Child } from '../support/processes.js';

const MESSAGES = 1_000;
const STOP_AFTER_ACCEPTED = 400;
const DOWN_FOR_MS = 1_500;

let dataDir: string;
let configPath: string;
let azurite: RunningAzurite | undefined;
let broker: Child | undefined;
let host: LocalHost | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hl7gw-e2e-broker-'));
  azurite = await startAzurite();
  configPath = (await writeBrokerConfig(dataDir, [RESULTS_SUBSCRIPTION])).path;
  broker = await startBrokerProcess(configPath, join(dataDir, 'servicebus'), 0);

  const env = appSettings(azurite.connectionString, broker.ready, [RESULTS_SUBSCRIPTION]);
  Object.assign(process.env, env);
  host = createHost({
    port: 0,
    serviceBusConnectionString: broker.ready,
    ...TEST_HOST_OPTIONS,
    log: silentHostLog,
  });
  for (const app of requireBuiltApps()) await host.load(app);
  await host.start();
});

afterAll(async () => {
  await host?.stop();
  await broker?.stop();
  await azurite?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the broker stopped and restarted mid-run', () => {
  // A thousand messages through one host on two shared cores: minutes of headroom, not seconds.
  it('loses no accepted message and publishes none twice', { timeout: 180_000 }, async () => {
    const trace = tracer('broker-restart');
    const target = () => ({ api: `${host!.baseUrl}/api`, apiKey: TEST_API_KEY });
    const port = portOf(broker!.ready);

    let restarted: Promise<void> | undefined;
    const outcome = await submitAll(loadMessages(MESSAGES), target, {
      concurrency: 16,
      onAccepted: (accepted) => {
        if (restarted !== undefined || accepted < STOP_AFTER_ACCEPTED) return;
        restarted = (async () => {
          trace(`stopping the broker at ${accepted} accepted`);
          await broker!.stop('SIGTERM');
          await sleep(DOWN_FOR_MS);
          broker = await startBrokerProcess(configPath, join(dataDir, 'servicebus'), port);
          trace('broker restarted');
        })();
      },
    });
    await restarted;
    trace(`all accepted; ${outcome.retries} retries`);

    expect(outcome.refusals).toEqual([]);
    expect(outcome.ids.size).toBe(MESSAGES);
    // While the broker was away, ingest answered 503 and the clients tried again.
    expect(outcome.retries).toBeGreaterThan(0);

    const ids = [...outcome.ids.values()];
    expect(new Set(ids).size).toBe(MESSAGES);
    expect(await unprocessed(target, ids, 60_000)).toEqual(new Map());

    const bus = new ServiceBusClient(broker!.ready);
    try {
      trace('all processed');
      const results = await countResults(bus, RESULTS_SUBSCRIPTION.name, MESSAGES, 60_000);
      trace(`drained ${results.total} results`);
      expect(results.repeated).toEqual(new Map());
      expect(results.total).toBe(MESSAGES);
      expect(results.messageIds).toEqual(new Set(ids));
    } finally {
      await bus.close();
    }
  });
});
