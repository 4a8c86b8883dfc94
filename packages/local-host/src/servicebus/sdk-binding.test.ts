import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { app, type InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { HostLogEntry } from '../log.js';
import type { TestBroker } from '../test-support/test-broker.js';
import { startTestBusHost, type TestBusHost } from '../test-support/test-host.js';
import type { ServiceBusMessageContext } from './sdk-binding.js';

const CONFIG = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'sdk-binding-tests',
        Queues: [
          {
            Name: 'q-settle',
            Properties: { RequiresSession: true, LockDuration: 'PT5S', MaxDeliveryCount: 3 },
          },
          { Name: 'q-auto', Properties: { LockDuration: 'PT5S', MaxDeliveryCount: 3 } },
        ],
        Topics: [],
      },
    ],
  },
};

/** What the test handler does with a message, by its `action` application property. */
type Action = 'complete' | 'deadletter' | 'defer' | 'unsettled-once' | 'throw-once';

interface Seen {
  messageId: string;
  attempt: number;
  body: unknown;
  metadataMessageId: unknown;
}

const seen: Seen[] = [];
const attempts = new Map<string, number>();
const hostLog: HostLogEntry[] = [];

async function settleByAction(input: ServiceBusMessageContext, context: InvocationContext) {
  const [message] = input.messages;
  if (!message) throw new Error('no message');

  const id = String(message.messageId);
  const attempt = (attempts.get(id) ?? 0) + 1;
  attempts.set(id, attempt);
  seen.push({
    messageId: id,
    attempt,
    body: message.body,
    metadataMessageId: context.triggerMetadata?.messageId,
  });

  const action = message.applicationProperties?.action as Action;
  if (action === 'deadletter') {
    await input.actions.deadletter(
      message,
      { stage: 'parse' },
      'PARSE_ERROR',
      'PARSE_ERROR at MSH-2',
    );
  } else if (action === 'defer') {
    await input.actions.defer(message);
  } else if (action === 'unsettled-once' && attempt === 1) {
    return;
  } else if (action === 'throw-once' && attempt === 1) {
    throw new Error('transient');
  } else {
    await input.actions.complete(message);
  }
}

function registerFunctions(): void {
  app.serviceBusQueue('settling', {
    connection: 'ServiceBusConnection',
    queueName: 'q-settle',
    isSessionsEnabled: true,
    sdkBinding: true,
    autoCompleteMessages: false,
    handler: settleByAction,
  });

  // Default autoCompleteMessages: what the handler leaves unsettled is completed on return.
  app.serviceBusQueue('autoCompleting', {
    connection: 'ServiceBusConnection',
    queueName: 'q-auto',
    sdkBinding: true,
    handler: (input: ServiceBusMessageContext) => {
      const [message] = input.messages;
      seen.push({
        messageId: String(message?.messageId),
        attempt: 1,
        body: 0,
        metadataMessageId: 0,
      });
    },
  });
}

let harness: TestBusHost | undefined;
let bus: TestBroker;

beforeAll(async () => {
  harness = await startTestBusHost(CONFIG, registerFunctions, (started) => ({
    settings: { ServiceBusConnection: started.connectionString },
    maxConcurrentSessions: 2,
    sessionIdleTimeoutMs: 500,
    sessionAcceptWaitMs: 1_000,
    receiveWaitMs: 300,
    log: (entry) => hostLog.push(entry),
  }));
  bus = harness.bus;
}, 20_000);

afterAll(() => harness?.stop(), 20_000);

async function send(queue: string, messageId: string, action: Action | undefined) {
  const sender = bus.client.createSender(queue);
  await sender.sendMessages({
    messageId,
    sessionId: queue === 'q-settle' ? 'patient-1' : undefined,
    body: { n: 1 },
    applicationProperties: action === undefined ? {} : { action },
  });
  await sender.close();
}

function attemptsOf(messageId: string): Seen[] {
  return seen.filter((s) => s.messageId === messageId);
}

describe('SDK-type Service Bus bindings (sdkBinding: true)', { timeout: 20_000 }, () => {
  it('hands the received message and trigger metadata; complete removes it', async () => {
    await send('q-settle', 'complete-1', 'complete');

    await expect.poll(() => attemptsOf('complete-1').length, { timeout: 10_000 }).toBe(1);
    const [first] = attemptsOf('complete-1');
    // The receiver keeps the bytes the sender wrote, as the extension's decoder does.
    expect(Buffer.isBuffer(first?.body)).toBe(true);
    expect(JSON.parse(String(first?.body))).toEqual({ n: 1 });
    expect(first?.metadataMessageId).toBe('complete-1');
    await expect.poll(() => bus.peek('q-settle'), { timeout: 5_000 }).toEqual([]);
    expect(await bus.peek('q-settle', true)).toEqual([]);
  });

  it('dead-letters at once with the reason and description the handler gives', async () => {
    await send('q-settle', 'poison-1', 'deadletter');

    let deadLettered: ServiceBusReceivedMessage[] = [];
    await expect
      .poll(
        async () => {
          deadLettered = await bus.peek('q-settle', true);
          return deadLettered.map((m) => m.messageId);
        },
        { timeout: 10_000 },
      )
      .toContain('poison-1');
    const message = deadLettered.find((m) => m.messageId === 'poison-1');
    expect(message?.deadLetterReason).toBe('PARSE_ERROR');
    expect(message?.deadLetterErrorDescription).toBe('PARSE_ERROR at MSH-2');
    expect(message?.applicationProperties?.stage).toBe('parse');
    expect(attemptsOf('poison-1')).toHaveLength(1);
  });

  it('abandons a message the handler returned without settling, so it comes again', async () => {
    await send('q-settle', 'unsettled-1', 'unsettled-once');

    await expect.poll(() => attemptsOf('unsettled-1').length, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => bus.peek('q-settle'), { timeout: 5_000 }).toEqual([]);
    expect(hostLog.some((e) => e.message.includes('was not settled by its handler'))).toBe(true);
  });

  it('abandons a message whose handler threw before settling', async () => {
    await send('q-settle', 'throws-1', 'throw-once');

    await expect.poll(() => attemptsOf('throws-1').length, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => bus.peek('q-settle'), { timeout: 5_000 }).toEqual([]);
  });

  it('defers a message, leaving it to be received by sequence number', async () => {
    await send('q-settle', 'deferred-1', 'defer');

    await expect.poll(() => attemptsOf('deferred-1').length, { timeout: 10_000 }).toBe(1);
    // A deferred message stays in the queue (peek shows it) but is never delivered again.
    await expect
      .poll(async () => (await bus.peek('q-settle')).map((m) => m.messageId), { timeout: 5_000 })
      .toEqual(['deferred-1']);
    expect(attemptsOf('deferred-1')).toHaveLength(1);
  });

  it('completes what the handler left unsettled when autoCompleteMessages is on', async () => {
    await send('q-auto', 'auto-1', undefined);

    await expect.poll(() => attemptsOf('auto-1').length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => bus.peek('q-auto'), { timeout: 5_000 }).toEqual([]);
  });
});
