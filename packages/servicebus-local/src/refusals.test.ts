import { ServiceBusClient } from '@azure/service-bus';
import rhea from 'rhea';
import type { EventContext } from 'rhea';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestBroker, type TestBroker } from './test-support/test-broker.js';

describe('what the broker refuses, and how it says so', () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('refuses an unknown queue', async () => {
    const sender = t.client.createSender('no-such-queue');
    await expect(sender.sendMessages({ body: 'x' })).rejects.toThrow(/no-such-queue/);
    await sender.close();
  });

  it('refuses a plain receiver on a session queue', async () => {
    const receiver = t.client.createReceiver('sessions');
    await expect(receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 })).rejects.toThrow(
      /requires sessions/,
    );
    await receiver.close();
  });

  it('answers acceptNextSession with a timeout when no session has messages', async () => {
    const impatient = new ServiceBusClient(t.broker.connectionString, {
      retryOptions: { maxRetries: 0, timeoutInMs: 1000 },
    });
    await expect(impatient.acceptNextSession('sessions')).rejects.toMatchObject({
      code: 'ServiceTimeout',
    });
    await impatient.close();
  });

  it('refuses run-time rule management with NotImplemented', async () => {
    const rules = t.client.createRuleManager('results', 'everything');
    await expect(rules.createRule('r', { sqlExpression: '1=1' })).rejects.toMatchObject({
      message: expect.stringMatching(/does not support rule management/),
    });
  });

  // The JavaScript client has no transaction API, so this speaks AMQP directly, with the
  // same library the client uses, as a .NET or Java client would to start a transaction.
  it('refuses a transaction coordinator link with amqp:not-implemented', async () => {
    const container = rhea.create_container();
    const connection = container.connect({ host: '127.0.0.1', port: t.broker.port });
    const error = await new Promise<{ condition?: string; description?: string }>((resolve) => {
      connection.on('connection_open', () => {
        const sender = connection.open_sender({
          target: { coordinator: true } as never,
        } as never);
        sender.on('sender_close', (context: EventContext) =>
          resolve((context.sender?.error ?? {}) as { condition?: string; description?: string }),
        );
      });
    });
    connection.close();
    expect(error.condition).toBe('amqp:not-implemented');
    expect(error.description).toMatch(/transactions/);
  });
});
