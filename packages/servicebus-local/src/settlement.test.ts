import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestBroker, type TestBroker } from './test-support/test-broker.js';

describe('settling messages through the real client', () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker();
  });
  afterAll(async () => {
    await t.stop();
  });

  const receiveOne = async (
    receiver: ReturnType<TestBroker['client']['createReceiver']>,
    maxWaitTimeInMs = 3000,
  ): Promise<ServiceBusReceivedMessage> => {
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs });
    if (!message) throw new Error('no message arrived');
    return message;
  };

  it('sends a batch and receives every message in order', async () => {
    const sender = t.client.createSender('work');
    const batch = await sender.createMessageBatch();
    for (let i = 0; i < 5; i++) expect(batch.tryAddMessage({ body: `b${i}` })).toBe(true);
    await sender.sendMessages(batch);
    await sender.sendMessages([{ body: 'array-1' }, { body: 'array-2' }]);

    const receiver = t.client.createReceiver('work');
    const bodies: unknown[] = [];
    while (bodies.length < 7) {
      const messages = await receiver.receiveMessages(7 - bodies.length, { maxWaitTimeInMs: 2000 });
      if (messages.length === 0) break;
      for (const message of messages) {
        expect(message.messageId).toBeTruthy();
        bodies.push(message.body);
        await receiver.completeMessage(message);
      }
    }
    expect(bodies).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'array-1', 'array-2']);
    await receiver.close();
    await sender.close();
  });

  it('abandons a message, which comes back with its delivery count raised', async () => {
    const sender = t.client.createSender('work');
    await sender.sendMessages({ body: 'abandon-me' });
    const receiver = t.client.createReceiver('work');

    const first = await receiveOne(receiver);
    await receiver.abandonMessage(first, { retried: true });
    const second = await receiveOne(receiver);
    expect(second.body).toBe('abandon-me');
    expect(second.deliveryCount).toBe(1);
    expect(second.applicationProperties?.retried).toBe(true);
    await receiver.completeMessage(second);
    await receiver.close();
    await sender.close();
  });

  it('dead-letters with a reason and description, readable from the dead-letter queue', async () => {
    const sender = t.client.createSender('work');
    await sender.sendMessages({ body: 'poison', messageId: 'poison-1' });
    const receiver = t.client.createReceiver('work');
    await receiver.deadLetterMessage(await receiveOne(receiver), {
      deadLetterReason: 'parse',
      deadLetterErrorDescription: 'MSH segment missing',
    });

    const dlq = t.client.createReceiver('work', { subQueueType: 'deadLetter' });
    const dead = await receiveOne(dlq);
    expect(dead.messageId).toBe('poison-1');
    expect(dead.deadLetterReason).toBe('parse');
    expect(dead.deadLetterErrorDescription).toBe('MSH segment missing');
    await dlq.completeMessage(dead);
    await dlq.close();
    await receiver.close();
    await sender.close();
  });

  it('defers a message and receives it again by sequence number', async () => {
    const sender = t.client.createSender('work');
    await sender.sendMessages({ body: 'later' });
    const receiver = t.client.createReceiver('work');
    const message = await receiveOne(receiver);
    await receiver.deferMessage(message);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);

    const [deferred] = await receiver.receiveDeferredMessages(message.sequenceNumber!);
    expect(deferred?.body).toBe('later');
    expect(deferred?.state).toBe('deferred');
    await receiver.completeMessage(deferred!);
    await expect(receiver.receiveDeferredMessages(message.sequenceNumber!)).rejects.toMatchObject({
      code: 'MessageNotFound',
    });
    await receiver.close();
    await sender.close();
  });

  it('peeks without locking', async () => {
    const sender = t.client.createSender('work');
    await sender.sendMessages([{ body: 'peek-1' }, { body: 'peek-2' }]);
    const receiver = t.client.createReceiver('work');
    const peeked = await receiver.peekMessages(10);
    expect(peeked.map((m) => m.body)).toEqual(['peek-1', 'peek-2']);
    expect(peeked[0]?.lockToken).toBeUndefined();

    const received = await receiver.receiveMessages(2, { maxWaitTimeInMs: 2000 });
    expect(received.map((m) => m.body)).toEqual(['peek-1', 'peek-2']);
    for (const m of received) await receiver.completeMessage(m);
    await receiver.close();
    await sender.close();
  });

  it('schedules messages, and cancels one before it is due', async () => {
    const sender = t.client.createSender('work');
    const dueAt = new Date(Date.now() + 800);
    const [kept, cancelled] = await sender.scheduleMessages(
      [{ body: 'scheduled-kept' }, { body: 'scheduled-cancelled' }],
      dueAt,
    );
    await sender.cancelScheduledMessages(cancelled!);

    const receiver = t.client.createReceiver('work');
    const peeked = await receiver.peekMessages(10, { fromSequenceNumber: kept! });
    expect(peeked.map((m) => [m.body, m.state])).toEqual([['scheduled-kept', 'scheduled']]);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]);

    const message = await receiveOne(receiver, 5000);
    expect(message.body).toBe('scheduled-kept');
    expect(message.scheduledEnqueueTimeUtc?.getTime()).toBe(dueAt.getTime());
    await receiver.completeMessage(message);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 800 })).toEqual([]);
    await receiver.close();
    await sender.close();
  });

  it('renews a message lock', async () => {
    const sender = t.client.createSender('work');
    await sender.sendMessages({ body: 'renew-me' });
    const receiver = t.client.createReceiver('work', { maxAutoLockRenewalDurationInMs: 0 });
    const message = await receiveOne(receiver);
    const before = message.lockedUntilUtc!.getTime();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const renewed = await receiver.renewMessageLock(message);
    expect(renewed.getTime()).toBeGreaterThan(before);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await receiver.completeMessage(message);
    await receiver.close();
    await sender.close();
  });

  it('receives and deletes in receiveAndDelete mode', async () => {
    const sender = t.client.createSender('work');
    await sender.sendMessages([{ body: 'rd-1' }, { body: 'rd-2' }]);
    const receiver = t.client.createReceiver('work', { receiveMode: 'receiveAndDelete' });
    const messages = await receiver.receiveMessages(2, { maxWaitTimeInMs: 2000 });
    expect(messages.map((m) => m.body)).toEqual(['rd-1', 'rd-2']);
    expect(messages[0]?.lockToken).toBeUndefined();
    await receiver.close();
    const check = t.client.createReceiver('work');
    expect(await check.peekMessages(10)).toEqual([]);
    await check.close();
    await sender.close();
  });

  it('streams messages to subscribe() and completes them', async () => {
    const sender = t.client.createSender('work');
    const receiver = t.client.createReceiver('work');
    const seen: unknown[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const subscription = receiver.subscribe({
        processMessage: async (message) => {
          seen.push(message.body);
          if (seen.length === 3) {
            await subscription.close();
            resolve();
          }
        },
        processError: async (args) => reject(args.error),
      });
    });
    await sender.sendMessages([{ body: 's-1' }, { body: 's-2' }, { body: 's-3' }]);
    await done;
    expect(seen).toEqual(['s-1', 's-2', 's-3']);
    await receiver.close();
    await sender.close();
  });
});
