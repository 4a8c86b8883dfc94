import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestBroker, type TestBroker } from './test-support/test-broker.js';

describe('sessions through the real client', () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('refuses a message without a session id on a session queue', async () => {
    const sender = t.client.createSender('sessions');
    await expect(sender.sendMessages({ body: 'no-session' })).rejects.toThrow(/requires sessions/);
    await sender.close();
  });

  it('delivers a session in order to the receiver that accepted it, and to no other', async () => {
    const sender = t.client.createSender('sessions');
    await sender.sendMessages([1, 2, 3].map((n) => ({ body: `p1-${n}`, sessionId: 'patient-1' })));

    const receiver = await t.client.acceptSession('sessions', 'patient-1');
    expect(receiver.sessionId).toBe('patient-1');
    await expect(t.client.acceptSession('sessions', 'patient-1')).rejects.toMatchObject({
      code: 'SessionCannotBeLocked',
    });

    const messages = await receiver.receiveMessages(3, { maxWaitTimeInMs: 2000 });
    expect(messages.map((m) => m.body)).toEqual(['p1-1', 'p1-2', 'p1-3']);
    await receiver.abandonMessage(messages[0]!);
    const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(again?.body).toBe('p1-1');
    expect(again?.deliveryCount).toBe(1);
    for (const m of [again!, messages[1]!, messages[2]!]) await receiver.completeMessage(m);
    await receiver.close();
    await sender.close();
  });

  it('accepts the next available session, and serves two sessions in parallel', async () => {
    const sender = t.client.createSender('sessions');
    await sender.sendMessages([
      { body: 'a-1', sessionId: 'a' },
      { body: 'b-1', sessionId: 'b' },
      { body: 'a-2', sessionId: 'a' },
      { body: 'b-2', sessionId: 'b' },
    ]);

    const first = await t.client.acceptNextSession('sessions');
    const second = await t.client.acceptNextSession('sessions');
    expect(first.sessionId).toBe('a');
    expect(second.sessionId).toBe('b');

    const [fromFirst, fromSecond] = await Promise.all([
      first.receiveMessages(2, { maxWaitTimeInMs: 2000 }),
      second.receiveMessages(2, { maxWaitTimeInMs: 2000 }),
    ]);
    expect(fromFirst.map((m) => m.body)).toEqual(['a-1', 'a-2']);
    expect(fromSecond.map((m) => m.body)).toEqual(['b-1', 'b-2']);
    for (const m of fromFirst) await first.completeMessage(m);
    for (const m of fromSecond) await second.completeMessage(m);
    await first.close();
    await second.close();
    await sender.close();
  });

  it('keeps session state', async () => {
    const sender = t.client.createSender('sessions');
    await sender.sendMessages({ body: 'state', sessionId: 'stateful' });
    const receiver = await t.client.acceptSession('sessions', 'stateful');
    expect(await receiver.getSessionState()).toBeNull();
    await receiver.setSessionState({ step: 2 });
    expect(await receiver.getSessionState()).toEqual({ step: 2 });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    await receiver.completeMessage(message!);
    await receiver.close();

    const again = await t.client.acceptSession('sessions', 'stateful');
    expect(await again.getSessionState()).toEqual({ step: 2 });
    await again.setSessionState(null);
    await again.close();
    await sender.close();
  });

  it('renews a session lock, and loses the session when the lock expires', async () => {
    const sender = t.client.createSender('sessions');
    await sender.sendMessages({ body: 'renew', sessionId: 'renewing' });
    const receiver = await t.client.acceptSession('sessions', 'renewing', {
      maxAutoLockRenewalDurationInMs: 0,
    });
    const before = receiver.sessionLockedUntilUtc!.getTime();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await receiver.renewSessionLock();
    expect(receiver.sessionLockedUntilUtc!.getTime()).toBeGreaterThan(before);

    await new Promise((resolve) => setTimeout(resolve, 2500));
    await expect(receiver.receiveMessages(1, { maxWaitTimeInMs: 500 })).rejects.toMatchObject({
      code: 'SessionLockLost',
    });
    await receiver.close();

    const next = await t.client.acceptSession('sessions', 'renewing');
    const [message] = await next.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(message?.body).toBe('renew');
    await next.completeMessage(message!);
    await next.close();
    await sender.close();
  });

  it('keeps a session with an automatically renewed lock past its lock duration', async () => {
    const sender = t.client.createSender('sessions');
    await sender.sendMessages({ body: 'auto', sessionId: 'auto-renew' });
    const receiver = await t.client.acceptSession('sessions', 'auto-renew');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await receiver.completeMessage(message!);
    await receiver.close();
    await sender.close();
  });
});
