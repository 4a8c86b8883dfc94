import { app, type InvocationContext } from '@azure/functions';
import { createHost, type LocalHost } from '@hl7gw/local-host';
import { newGatewayId, PlatformError, type InboundEnvelope } from '@hl7gw/platform';
import { captureLogs, type CapturedLogs } from '@hl7gw/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDeps, type Deps } from '../deps.js';
import { receivedMessages, type ServiceBusMessageContext } from '../settlement.js';
import { oruR01 } from '../test-support/messages.js';
import { startTestPlatform, submit, type TestPlatform } from '../test-support/platform.js';
import { createProcessInbound, type ProcessInboundDeps } from './process-inbound.js';

// Crashes and outages injected around the real handler, per gateway id, on the local host
// with the real broker and Azurite. The host settles as in Azure: what the handler leaves
// unsettled (a crash) is abandoned and delivered again.
type Fault =
  | { kind: 'crash-before-complete' }
  | { kind: 'crash-before-status' }
  | { kind: 'storage-down'; failures: number };

const faults = new Map<string, Fault>();
const invocations = new Map<string, number>();
const finished = new Map<string, number>();

let platform: TestPlatform;
let host: LocalHost;
let real: Deps;
let logs: CapturedLogs;

function count(map: Map<string, number>, id: string): number {
  const next = (map.get(id) ?? 0) + 1;
  map.set(id, next);
  return next;
}

/** Real dependencies, with the faults of the message at hand injected. */
function faultyDeps(deps: Deps): ProcessInboundDeps {
  const readFailures = new Map<string, number>();
  return {
    settings: deps.settings,
    clock: deps.clock,
    logger: logs.logger,
    bus: {
      readRaw: async (envelope: InboundEnvelope) => {
        const fault = faults.get(envelope.id);
        if (fault?.kind === 'storage-down' && count(readFailures, envelope.id) <= fault.failures) {
          throw new PlatformError('STORAGE_UNAVAILABLE', 'storage operation failed (injected)');
        }
        return deps.bus.readRaw(envelope);
      },
      publishResult: (message) => deps.bus.publishResult(message),
    },
    statuses: {
      get: (id) => deps.statuses.get(id),
      transition: async (id, status, detail) => {
        const fault = faults.get(id);
        if (fault?.kind === 'crash-before-status' && invocations.get(id) === 1) {
          throw new Error('simulated crash after publishing');
        }
        return deps.statuses.transition(id, status, detail);
      },
    },
  };
}

beforeAll(async () => {
  platform = await startTestPlatform();
  Object.assign(process.env, platform.env);
  real = createDeps(process.env);
  logs = captureLogs('info');
  const processInbound = createProcessInbound(faultyDeps(real));

  host = createHost({
    port: 0,
    maxConcurrentSessions: 4,
    sessionIdleTimeoutMs: 300,
    sessionAcceptWaitMs: 1_000,
    log: () => undefined,
  });
  await host.load(() => {
    app.serviceBusQueue('processInbound', {
      connection: 'ServiceBusConnection',
      queueName: 'hl7-inbound',
      isSessionsEnabled: true,
      sdkBinding: true,
      autoCompleteMessages: false,
      handler: async (input: ServiceBusMessageContext, context: InvocationContext) => {
        const [message] = receivedMessages(input);
        const id = String(message?.correlationId);
        const attempt = count(invocations, id);
        const crash = faults.get(id)?.kind === 'crash-before-complete' && attempt === 1;
        const actions = crash
          ? {
              ...input.actions,
              complete: () => Promise.reject(new Error('simulated crash before complete')),
            }
          : input.actions;
        try {
          await processInbound({ messages: input.messages, actions }, context);
        } finally {
          count(finished, id);
        }
      },
    });
  });
  await host.start();
}, 30_000);

afterAll(async () => {
  await host?.stop();
  await real?.close();
  await platform?.stop();
}, 30_000);

async function submitWith(fault: Fault | undefined, controlId: string): Promise<string> {
  const id = newGatewayId();
  if (fault) faults.set(id, fault);
  await submit(real, { id, raw: oruR01({ controlId, abnormalFlag: 'H' }) });
  return id;
}

/** Waits for `attempts` finished invocations, then long enough for a stray publish to land. */
async function settledAfter(id: string, attempts: number): Promise<void> {
  await expect.poll(() => finished.get(id) ?? 0, { timeout: 10_000 }).toBe(attempts);
  await expect.poll(async () => (await real.statuses.get(id))?.status).toBe('processed');
  await new Promise((resolve) => setTimeout(resolve, 300));
}

function resultsFor(id: string): number {
  return platform.results.integrators.filter((r) => r.gatewayId === id).length;
}

describe('redelivery never publishes a result twice', { timeout: 30_000 }, () => {
  it('completes unpublished when a crash came between publishing and completing', async () => {
    const id = await submitWith({ kind: 'crash-before-complete' }, 'CTL-9001');

    await settledAfter(id, 2);
    expect(invocations.get(id)).toBe(2);
    expect(resultsFor(id)).toBe(1);
    expect(logs.lines().some((l) => l.gatewayId === id && l.outcome === 'duplicate')).toBe(true);
  });

  it('lets the topic drop the second publish when a crash came before the status step', async () => {
    const id = await submitWith({ kind: 'crash-before-status' }, 'CTL-9002');

    await settledAfter(id, 2);
    expect(resultsFor(id)).toBe(1);
    expect(platform.results.abnormal.filter((r) => r.gatewayId === id)).toHaveLength(1);
  });

  it('retries a transient failure and publishes once it passes', async () => {
    const id = await submitWith({ kind: 'storage-down', failures: 2 }, 'CTL-9003');

    await settledAfter(id, 3);
    expect(resultsFor(id)).toBe(1);
    const retries = logs.lines().filter((l) => l.gatewayId === id && l.outcome === 'retry');
    expect(retries.map((l) => l.level)).toEqual(['error', 'error']);
  });

  it('leaves a message that always fails to the broker, which dead-letters it', async () => {
    const id = await submitWith({ kind: 'storage-down', failures: Infinity }, 'CTL-9004');

    await expect
      .poll(async () => (await platform.deadLetters()).find((m) => m.correlationId === id), {
        timeout: 10_000,
      })
      .toMatchObject({ deadLetterReason: 'MaxDeliveryCountExceeded' });
    // hl7-inbound allows 5 deliveries (config/servicebus.json).
    expect(invocations.get(id)).toBe(5);
    expect((await real.statuses.get(id))?.status).toBe('queued');
    expect(resultsFor(id)).toBe(0);
  });

  it('logs ids and codes, never patient data', () => {
    const text = logs.text();

    expect(text).toContain('CTL-9001');
    for (const phi of ['DOE', 'JANE', 'PT-4471', '19700101', 'SPRINGFIELD', '247.3']) {
      expect(text).not.toContain(phi);
    }
  });
});
