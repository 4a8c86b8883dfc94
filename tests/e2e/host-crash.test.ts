/**
 * The host killed with SIGKILL in the middle of 1,000 messages: HTTP requests in flight,
 * invocations half done, locks held. The broker and Azurite stay up in this process; a new
 * host takes over. Every message a client had accepted (202) ends `processed` and comes out
 * on the results subscription exactly once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ServiceBusClient } from '@azure/service-bus';
import { startAzurite, type RunningAzurite } from '@hl7gw/platform/testing';
import type { RunningBroker } from '@hl7gw/servicebus-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RESULTS_SUBSCRIPTION } from '../support/broker-config.js';
import { startTestBroker } from '../support/broker.js';
import { appSettings, requireBuiltApps, TEST_API_KEY } from '../support/gateway.js';
import { countResults, loadMessages, submitAll, tracer, unprocessed } from '../support/load.js';
import { startHostProcess, type Child } from '../support/processes.js';

const MESSAGES = 1_000;
const KILL_AFTER_ACCEPTED = 400;

let dataDir: string;
let azurite: RunningAzurite | undefined;
let broker: RunningBroker | undefined;
let bus: ServiceBusClient | undefined;
let host: Child | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hl7gw-e2e-kill-'));
  azurite = await startAzurite();
  broker = await startTestBroker(dataDir, [RESULTS_SUBSCRIPTION], { housekeepingIntervalMs: 50 });
  bus = new ServiceBusClient(broker.connectionString);
  env = appSettings(azurite.connectionString, broker.connectionString, [RESULTS_SUBSCRIPTION]);
});

afterAll(async () => {
  await host?.stop('SIGKILL');
  await bus?.close();
  await broker?.close();
  await azurite?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the host killed with SIGKILL mid-run and restarted', () => {
  // A thousand messages through one host on two shared cores: minutes of headroom, not seconds.
  it('loses no accepted message and publishes none twice', { timeout: 180_000 }, async () => {
    const trace = tracer('host-crash');
    const apps = requireBuiltApps();
    host = await startHostProcess(apps, env);
    const target = () => ({ api: `${host!.ready}/api`, apiKey: TEST_API_KEY });

    let restarted: Promise<void> | undefined;
    let processedBeforeKill = -1;
    const outcome = await submitAll(loadMessages(MESSAGES), target, {
      concurrency: 16,
      onAccepted: (accepted) => {
        if (restarted !== undefined || accepted < KILL_AFTER_ACCEPTED) return;
        restarted = (async () => {
          const killed = host!;
          // How far the processor had got, read before the kill: the kill must land mid-run.
          processedBeforeKill = await countProcessed();
          trace(`SIGKILL at ${accepted} accepted, ${processedBeforeKill} results out`);
          await killed.stop('SIGKILL');
          host = await startHostProcess(apps, env);
          trace('host restarted');
        })();
      },
    });
    await restarted;
    trace(`all accepted; ${outcome.retries} retries`);

    expect(outcome.refusals).toEqual([]);
    expect(outcome.ids.size).toBe(MESSAGES);
    expect(outcome.retries).toBeGreaterThan(0);
    expect(processedBeforeKill).toBeGreaterThanOrEqual(0);
    expect(processedBeforeKill).toBeLessThan(MESSAGES);

    const ids = [...outcome.ids.values()];
    expect(new Set(ids).size).toBe(MESSAGES);
    expect(await unprocessed(target, ids, 60_000)).toEqual(new Map());

    trace('all processed');
    const results = await countResults(bus!, RESULTS_SUBSCRIPTION.name, MESSAGES, 60_000);
    trace(`drained ${results.total} results`);
    expect(results.repeated).toEqual(new Map());
    expect(results.total).toBe(MESSAGES);
    expect(results.messageIds).toEqual(new Set(ids));
  });
});

/** Results waiting on the test subscription, as a measure of progress (peeked, not taken). */
async function countProcessed(): Promise<number> {
  const receiver = bus!.createReceiver('hl7-results', RESULTS_SUBSCRIPTION.name);
  try {
    return (await receiver.peekMessages(MESSAGES)).length;
  } finally {
    await receiver.close();
  }
}
