import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestBroker, type TestBroker } from './test-support/test-broker.js';

describe('locks, delivery counts, TTL and duplicates through the real client', () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('redelivers a message whose lock expired, with its delivery count raised', async () => {
    const sender = t.client.createSender('work');
    await sender.sendMessages({ body: 'slow', messageId: 'slow-1' });
    const receiver = t.client.createReceiver('work', { maxAutoLockRenewalDurationInMs: 0 });

    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(first?.deliveryCount).toBe(0);
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(second?.messageId).toBe('slow-1');
    expect(second?.deliveryCount).toBe(1);

    await expect(receiver.completeMessage(first!)).rejects.toMatchObject({
      code: 'MessageLockLost',
    });
    await receiver.completeMessage(second!);
    await receiver.close();
    await sender.close();
  });

  it('dead-letters a message after maxDeliveryCount deliveries with MaxDeliveryCountExceeded', async () => {
    const sender = t.client.createSender('work');
    await sender.sendMessages({ body: 'always-fails', messageId: 'fails-1' });
    const receiver = t.client.createReceiver('work');
    for (let attempt = 0; attempt < 3; attempt++) {
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
      expect(message?.deliveryCount).toBe(attempt);
      await receiver.abandonMessage(message!);
    }
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);

    const dlq = t.client.createReceiver('work', { subQueueType: 'deadLetter' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(dead?.messageId).toBe('fails-1');
    expect(dead?.deadLetterReason).toBe('MaxDeliveryCountExceeded');
    await dlq.completeMessage(dead!);
    await dlq.close();
    await receiver.close();
    await sender.close();
  });

  it('dead-letters an expired message when DeadLetteringOnMessageExpiration is on', async () => {
    const sender = t.client.createSender('expiring');
    await sender.sendMessages({ body: 'stale', messageId: 'stale-1' });
    const dlq = t.client.createReceiver('expiring', { subQueueType: 'deadLetter' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(dead?.messageId).toBe('stale-1');
    expect(dead?.deadLetterReason).toBe('TTLExpiredException');
    await dlq.completeMessage(dead!);

    const receiver = t.client.createReceiver('expiring');
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
    await receiver.close();
    await dlq.close();
    await sender.close();
  });

  it('honours a message TTL shorter than the entity default', async () => {
    const sender = t.client.createSender('work');
    await sender.sendMessages({ body: 'short-lived', messageId: 'short-1', timeToLive: 500 });
    const dlq = t.client.createReceiver('work', { subQueueType: 'deadLetter' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(dead?.messageId).toBe('short-1');
    expect(dead?.deadLetterReason).toBe('TTLExpiredException');
    await dlq.completeMessage(dead!);
    await dlq.close();
    await sender.close();
  });

  it('drops a message whose messageId was seen within the duplicate-detection window', async () => {
    const sender = t.client.createSender('dedup');
    await sender.sendMessages({ body: 'first', messageId: 'same' });
    await sender.sendMessages({ body: 'second', messageId: 'same' });
    await sender.sendMessages([
      { body: 'third', messageId: 'other' },
      { body: 'fourth', messageId: 'other' },
    ]);

    const receiver = t.client.createReceiver('dedup', { receiveMode: 'receiveAndDelete' });
    const messages = await receiver.receiveMessages(10, { maxWaitTimeInMs: 1000 });
    expect(messages.map((m) => m.body)).toEqual(['first', 'third']);
    await receiver.close();
    await sender.close();
  });
});
