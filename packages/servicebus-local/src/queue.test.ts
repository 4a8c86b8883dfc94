import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestBroker, type TestBroker } from './test-support/test-broker.js';

describe('a queue through the real @azure/service-bus client', () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('sends, receives and completes a message', async () => {
    const sender = t.client.createSender('work');
    await sender.sendMessages({
      body: { hello: 'world' },
      messageId: 'm-1',
      applicationProperties: { a: 1 },
    });
    const receiver = t.client.createReceiver('work');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(message?.body).toEqual({ hello: 'world' });
    expect(message?.messageId).toBe('m-1');
    expect(message?.applicationProperties).toEqual({ a: 1 });
    expect(message?.deliveryCount).toBe(0);
    expect(message?.sequenceNumber?.toNumber()).toBe(1);
    expect(message?.lockedUntilUtc).toBeInstanceOf(Date);
    await receiver.completeMessage(message!);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
    await receiver.close();
    await sender.close();
  });

  it('hands a receiver only as many messages as it has credit for, leaving the rest to others', async () => {
    const sender = t.client.createSender('work');
    await sender.sendMessages(Array.from({ length: 10 }, (_, i) => ({ body: i })));
    const first = t.client.createReceiver('work');
    const second = t.client.createReceiver('work');
    const fromFirst = await first.receiveMessages(3, { maxWaitTimeInMs: 2000 });
    const fromSecond = await second.receiveMessages(10, { maxWaitTimeInMs: 1000 });
    expect(fromFirst.map((m) => m.body)).toEqual([0, 1, 2]);
    expect(fromSecond.map((m) => m.body)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    for (const m of fromFirst) await first.completeMessage(m);
    for (const m of fromSecond) await second.completeMessage(m);
    await first.close();
    await second.close();
    await sender.close();
  });

  it('states its maximum message size on the sender link, and refuses a larger message', async () => {
    const sender = t.client.createSender('work');
    const batch = await sender.createMessageBatch();
    expect(batch.maxSizeInBytes).toBe(256 * 1024);
    await expect(sender.sendMessages({ body: 'x'.repeat(300 * 1024) })).rejects.toMatchObject({
      code: 'MessageSizeExceeded',
    });
    await sender.close();
  });

  it('gives a message sent without a messageId one of its own', async () => {
    const sender = t.client.createSender('work');
    await sender.sendMessages({ body: 'anonymous' });
    const receiver = t.client.createReceiver('work', { receiveMode: 'receiveAndDelete' });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(message?.messageId).toMatch(/^[0-9a-f-]{36}$/);
    await receiver.close();
    await sender.close();
  });
});
