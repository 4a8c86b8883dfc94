import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestBroker, type TestBroker } from './test-support/test-broker.js';

describe('a topic fanning out through SQL and correlation filters, with the real client', () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker();
  });
  afterAll(async () => {
    await t.stop();
  });

  const drain = async (subscription: string): Promise<unknown[]> => {
    const receiver = t.client.createReceiver('results', subscription, {
      receiveMode: 'receiveAndDelete',
    });
    const messages = await receiver.receiveMessages(10, { maxWaitTimeInMs: 800 });
    await receiver.close();
    return messages.map((m) => m.body);
  };

  it('gives each subscription the messages its rules match', async () => {
    const sender = t.client.createSender('results');
    await sender.sendMessages([
      { body: 'normal-A', applicationProperties: { abnormal: false, sendingFacility: 'A' } },
      { body: 'abnormal-B', applicationProperties: { abnormal: true, sendingFacility: 'B' } },
      { body: 'abnormal-A', applicationProperties: { abnormal: true, sendingFacility: 'A' } },
    ]);

    expect(await drain('everything')).toEqual(['normal-A', 'abnormal-B', 'abnormal-A']);
    expect(await drain('abnormal')).toEqual(['abnormal-B', 'abnormal-A']);
    expect(await drain('facility-a')).toEqual(['normal-A', 'abnormal-A']);
    await sender.close();
  });

  it('peek-locks and completes on a subscription, and dead-letters to its own queue', async () => {
    const sender = t.client.createSender('results');
    await sender.sendMessages({ body: 'to-dlq', applicationProperties: { abnormal: true } });
    await drain('everything');

    const receiver = t.client.createReceiver('results', 'abnormal');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    await receiver.deadLetterMessage(message!, {
      deadLetterReason: 'delivery',
      deadLetterErrorDescription: 'endpoint refused',
    });
    const dlq = t.client.createReceiver('results', 'abnormal', { subQueueType: 'deadLetter' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(dead?.body).toBe('to-dlq');
    expect(dead?.deadLetterReason).toBe('delivery');
    await dlq.completeMessage(dead!);
    await dlq.close();
    await receiver.close();
    await sender.close();
  });

  it('schedules a message on a topic, which fans out when due', async () => {
    const sender = t.client.createSender('results');
    const [sequenceNumber] = await sender.scheduleMessages(
      [{ body: 'later', applicationProperties: { abnormal: true } }],
      new Date(Date.now() + 1000),
    );
    expect(sequenceNumber).toBeDefined();
    const peeker = t.client.createReceiver('results', 'abnormal');
    expect(await peeker.peekMessages(10)).toEqual([]);
    await peeker.close();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await drain('abnormal')).toEqual(['later']);
    expect(await drain('everything')).toEqual(['later']);
    await sender.close();
  });
});
