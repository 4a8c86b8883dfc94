import rhea from 'rhea';
import type { Connection, EventContext, Receiver } from 'rhea';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { startTestBroker, type TestBroker } from './test-support/test-broker.js';

// The client ends every `receiveMessages` that runs out of time with a drain, and waits for
// the broker's drained flow: without one within 200 ms it closes its link, and what the link
// still held stays locked until the lock expires. These tests speak AMQP with rhea, as the
// client does, to place the drain exactly.

/** The client sends a string body as JSON in a data section. */
function bodyText(body: unknown): string {
  const content = (body as { content?: unknown } | undefined)?.content;
  return Buffer.isBuffer(content) ? (JSON.parse(content.toString('utf8')) as string) : String(body);
}

interface Link {
  receiver: Receiver;
  messages: string[];
  drained: number;
  next(event: 'message' | 'drained'): Promise<void>;
}

describe('draining a receiver link', () => {
  let t: TestBroker;
  let connection: Connection;
  beforeAll(async () => {
    t = await startTestBroker();
  });
  afterAll(async () => {
    await t.stop();
  });
  afterEach(() => {
    connection?.close();
  });

  const open = async (queue: string): Promise<Link> => {
    const container = rhea.create_container();
    connection = container.connect({ host: '127.0.0.1', port: t.broker.port });
    const receiver = connection.open_receiver({
      source: { address: queue },
      credit_window: 0,
      // Completes each message as it arrives, so no test leaves a lock behind.
      autoaccept: true,
    });
    const link: Link = {
      receiver,
      messages: [],
      drained: 0,
      next: (event) =>
        new Promise<void>((resolve) => {
          receiver.once(event === 'message' ? 'message' : 'receiver_drained', () => resolve());
        }),
    };
    receiver.on('message', (context: EventContext) => {
      link.messages.push(bodyText(context.message?.body));
    });
    receiver.on('receiver_drained', () => {
      link.drained += 1;
    });
    await new Promise<void>((resolve) => receiver.once('receiver_open', () => resolve()));
    return link;
  };

  const sendTo = async (queue: string, bodies: string[]) => {
    const sender = t.client.createSender(queue);
    await sender.sendMessages(bodies.map((body) => ({ body })));
    await sender.close();
  };

  it('answers a drain with unused credit: the credit is spent and a drained flow comes back', async () => {
    const link = await open('work');
    const drained = link.next('drained');
    link.receiver.add_credit(5);
    link.receiver.drain_credit();
    await drained;
    expect((link.receiver as unknown as { credit: number }).credit).toBe(0);
  });

  it('answers a drain whose credit the transfers in flight already spent', async () => {
    await sendTo('work', ['only']);
    const link = await open('work');
    // One credit and the drain in one flow: the broker spends the credit on the message, and
    // must still say the drain is over, or the client never learns it.
    const drained = link.next('drained');
    link.receiver.add_credit(1);
    link.receiver.drain_credit();
    await drained;
    expect(link.messages).toEqual(['only']);
  });

  it('takes no more messages than the client grants after a drain spent its credit', async () => {
    const link = await open('work');
    const drained = link.next('drained');
    link.receiver.add_credit(10);
    link.receiver.drain_credit();
    await drained;
    link.receiver.drain = false;

    await sendTo('work', ['m1', 'm2', 'm3']);
    const first = link.next('message');
    link.receiver.add_credit(1);
    await first;
    expect(link.messages).toEqual(['m1']);

    // The two others are free for another receiver at once, not locked to a link that never
    // asked for them (the queue's locks last 2 s, so waiting that long would hide it).
    const other = t.client.createReceiver('work', { receiveMode: 'receiveAndDelete' });
    const deadline = Date.now() + 1_500;
    const rest: unknown[] = [];
    while (rest.length < 2 && Date.now() < deadline) {
      const batch = await other.receiveMessages(2 - rest.length, { maxWaitTimeInMs: 300 });
      rest.push(...batch.map((message) => message.body));
    }
    await other.close();
    expect(rest).toEqual(['m2', 'm3']);
    expect(link.messages).toEqual(['m1']);
  });
});
