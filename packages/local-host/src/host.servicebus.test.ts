import { setTimeout as sleep } from 'node:timers/promises';

import { app, type InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { HostLogEntry } from './log.js';
import type { TestBroker } from './test-support/test-broker.js';
import { startTestBusHost, type TestBusHost } from './test-support/test-host.js';

const CONFIG = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'local-host-tests',
        Queues: [
          { Name: 'q-plain', Properties: { LockDuration: 'PT5S', MaxDeliveryCount: 3 } },
          {
            Name: 'q-sessions',
            Properties: { RequiresSession: true, LockDuration: 'PT5S', MaxDeliveryCount: 3 },
          },
          { Name: 'q-failing', Properties: { LockDuration: 'PT5S', MaxDeliveryCount: 2 } },
          { Name: 'q-slow', Properties: { LockDuration: 'PT2S', MaxDeliveryCount: 1 } },
        ],
        Topics: [
          {
            Name: 't-results',
            Properties: {},
            Subscriptions: [
              {
                Name: 's-abnormal',
                Properties: {},
                Rules: [
                  {
                    Name: 'abnormal-only',
                    Properties: {
                      FilterType: 'Sql',
                      SqlFilter: { SqlExpression: 'abnormal = TRUE' },
                    },
                  },
                ],
              },
              {
                Name: 's-failing',
                Properties: { MaxDeliveryCount: 1 },
                Rules: [
                  {
                    Name: 'failing-only',
                    Properties: {
                      FilterType: 'Sql',
                      SqlFilter: { SqlExpression: "route = 'fail'" },
                    },
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
};

interface Delivery {
  message: unknown;
  meta: Record<string, unknown>;
}

const deliveries = {
  plain: [] as Delivery[],
  sessions: [] as Delivery[],
  failingAttempts: [] as number[],
  deadLettered: [] as Delivery[],
  abnormal: [] as Delivery[],
  topicDeadLettered: [] as Delivery[],
  slowDone: 0,
};
const hostLog: HostLogEntry[] = [];

function record(into: Delivery[]) {
  return (message: unknown, context: InvocationContext) => {
    into.push({ message, meta: (context.triggerMetadata ?? {}) as Record<string, unknown> });
  };
}

function registerTestFunctions(): void {
  app.serviceBusQueue('plain', {
    connection: 'ServiceBusConnection',
    queueName: 'q-plain',
    handler: record(deliveries.plain),
  });

  app.serviceBusQueue('inbound', {
    connection: 'ServiceBusConnection',
    queueName: 'q-sessions',
    isSessionsEnabled: true,
    handler: async (message, context) => {
      // A short pause makes interleaving across sessions likely, so order is really tested.
      await sleep(5);
      record(deliveries.sessions)(message, context);
    },
  });

  app.serviceBusQueue('failing', {
    connection: 'ServiceBusConnection',
    queueName: 'q-failing',
    handler: (_message, context) => {
      deliveries.failingAttempts.push(Number(context.triggerMetadata?.deliveryCount));
      throw new Error('downstream unavailable');
    },
  });

  app.serviceBusQueue('failingDeadLetters', {
    connection: 'ServiceBusConnection',
    queueName: 'q-failing/$deadletterqueue',
    handler: record(deliveries.deadLettered),
  });

  app.serviceBusTopic('abnormalResults', {
    connection: 'ServiceBusConnection',
    topicName: 't-results',
    subscriptionName: 's-abnormal',
    handler: record(deliveries.abnormal),
  });

  app.serviceBusTopic('failingDelivery', {
    connection: 'ServiceBusConnection',
    topicName: 't-results',
    subscriptionName: 's-failing',
    handler: () => {
      throw new Error('subscriber rejected the result');
    },
  });

  app.serviceBusTopic('failingDeliveryDeadLetters', {
    connection: 'ServiceBusConnection',
    topicName: 't-results',
    subscriptionName: 's-failing/$deadletterqueue',
    handler: record(deliveries.topicDeadLettered),
  });

  app.serviceBusQueue('slow', {
    connection: 'ServiceBusConnection',
    queueName: 'q-slow',
    handler: async () => {
      // Longer than the queue's 2 s lock: only lock renewal lets the completion succeed.
      await sleep(3_500);
      deliveries.slowDone++;
    },
  });
}

let harness: TestBusHost | undefined;
let bus: TestBroker;

beforeAll(async () => {
  harness = await startTestBusHost(CONFIG, registerTestFunctions, (started) => ({
    settings: { ServiceBusConnection: started.connectionString },
    maxConcurrentSessions: 3,
    sessionIdleTimeoutMs: 500,
    sessionAcceptWaitMs: 1_000,
    receiveWaitMs: 300,
    log: (entry) => hostLog.push(entry),
  }));
  bus = harness.bus;
}, 20_000);

afterAll(() => harness?.stop(), 20_000);

describe('Service Bus triggers registered through @azure/functions', { timeout: 20_000 }, () => {
  it('passes JSON as an object, text as a string and other bytes as bytes, with metadata', async () => {
    const sender = bus.client.createSender('q-plain');
    await sender.sendMessages([
      {
        messageId: 'json-1',
        body: { kind: 'result', observations: 2 },
        correlationId: 'corr-1',
        subject: 'ORU^R01',
        applicationProperties: { MessageType: 'ORU^R01', abnormal: true, replayCount: 0 },
      },
      { messageId: 'text-1', body: Buffer.from('MSH|^~\\&|LAB|NORTH', 'utf8') },
      { messageId: 'bytes-1', body: Buffer.from([0xff, 0xfe, 0x00, 0x0b]) },
    ]);
    await sender.close();

    await expect.poll(() => deliveries.plain.length, { timeout: 10_000 }).toBe(3);
    const byId = new Map(deliveries.plain.map((d) => [d.meta.messageId, d]));

    const json = byId.get('json-1');
    expect(json?.message).toEqual({ kind: 'result', observations: 2 });
    expect(json?.meta).toMatchObject({
      deliveryCount: 1,
      correlationId: 'corr-1',
      subject: 'ORU^R01',
      // The extension's keys and its nested keys reach the handler camel-cased.
      applicationProperties: { messageType: 'ORU^R01', abnormal: true, replayCount: 0 },
    });
    expect(Date.parse(String(json?.meta.enqueuedTimeUtc))).not.toBeNaN();
    expect(typeof json?.meta.lockToken).toBe('string');

    expect(byId.get('text-1')?.message).toBe('MSH|^~\\&|LAB|NORTH');
    expect(byId.get('bytes-1')?.message).toEqual(Buffer.from([0xff, 0xfe, 0x00, 0x0b]));

    expect(await bus.peek('q-plain')).toEqual([]);
  });

  it('keeps order within each session while sessions run side by side', async () => {
    const sessions = ['patient-a', 'patient-b', 'patient-c'];
    const sender = bus.client.createSender('q-sessions');
    for (let seq = 0; seq < 5; seq++) {
      for (const sessionId of sessions) {
        await sender.sendMessages({ sessionId, messageId: `${sessionId}-${seq}`, body: { seq } });
      }
    }
    await sender.close();

    await expect.poll(() => deliveries.sessions.length, { timeout: 15_000 }).toBe(15);
    for (const sessionId of sessions) {
      const order = deliveries.sessions
        .filter((d) => d.meta.sessionId === sessionId)
        .map((d) => (d.message as { seq: number }).seq);
      expect(order).toEqual([0, 1, 2, 3, 4]);
    }
    expect(await bus.peek('q-sessions')).toEqual([]);
  });

  it('abandons on throw, so the message is redelivered and then dead-lettered', async () => {
    const sender = bus.client.createSender('q-failing');
    await sender.sendMessages({ messageId: 'poison-1', body: { broken: true } });
    await sender.close();

    await expect.poll(() => deliveries.deadLettered.length, { timeout: 15_000 }).toBe(1);
    expect(deliveries.failingAttempts).toEqual([1, 2]);
    expect(deliveries.deadLettered[0]?.message).toEqual({ broken: true });
    expect(deliveries.deadLettered[0]?.meta).toMatchObject({
      messageId: 'poison-1',
      deadLetterReason: 'MaxDeliveryCountExceeded',
    });
  });

  it('runs a topic trigger for the messages its subscription takes', async () => {
    const sender = bus.client.createSender('t-results');
    await sender.sendMessages({
      messageId: 'normal-1',
      body: { id: 'normal-1' },
      applicationProperties: { abnormal: false },
    });
    await sender.sendMessages({
      messageId: 'abnormal-1',
      body: { id: 'abnormal-1' },
      applicationProperties: { abnormal: true },
    });
    await sender.close();

    await expect.poll(() => deliveries.abnormal.length, { timeout: 10_000 }).toBe(1);
    expect(deliveries.abnormal[0]?.message).toEqual({ id: 'abnormal-1' });
  });

  it('reads a subscription dead-letter queue as a trigger source', async () => {
    const sender = bus.client.createSender('t-results');
    await sender.sendMessages({
      messageId: 'undeliverable-1',
      body: 'x',
      applicationProperties: { route: 'fail' },
    });
    await sender.close();

    await expect.poll(() => deliveries.topicDeadLettered.length, { timeout: 10_000 }).toBe(1);
    expect(deliveries.topicDeadLettered[0]?.meta.messageId).toBe('undeliverable-1');
  });

  it('renews the lock while a handler runs longer than the lock duration', async () => {
    const sender = bus.client.createSender('q-slow');
    await sender.sendMessages({ messageId: 'slow-1', body: { slow: true } });
    await sender.close();

    await expect.poll(() => deliveries.slowDone, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => bus.peek('q-slow'), { timeout: 5_000 }).toEqual([]);
    expect(await bus.peek('q-slow', true)).toEqual([]);
    expect(hostLog.filter((e) => e.message.includes('could not be settled'))).toEqual([]);
  });
});
