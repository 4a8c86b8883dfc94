import { app } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createHost, type LocalHost } from '../host.js';
import { silentHostLog } from '../log.js';
import { startTestBroker, type TestBroker } from '../test-support/test-broker.js';

// One session slot, so whether a drained session gives its slot back decides whether any
// other session is served at all.
const CONFIG = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'local-host-session-pump',
        Queues: [
          {
            Name: 'q-patients',
            Properties: { RequiresSession: true, LockDuration: 'PT30S', MaxDeliveryCount: 3 },
          },
        ],
        Topics: [],
      },
    ],
  },
};

interface Handled {
  sessionId: string;
  seq: number;
}

let bus: TestBroker;
let host: LocalHost;
const handled: Handled[] = [];
let running = 0;
let mostAtOnce = 0;

beforeAll(async () => {
  bus = await startTestBroker(CONFIG);
  host = createHost({
    port: 0,
    serviceBusConnectionString: bus.connectionString,
    maxConcurrentSessions: 1,
    sessionAcceptWaitMs: 1_000,
    log: silentHostLog,
  });
  await host.load(() => {
    app.serviceBusQueue('patients', {
      connection: 'ServiceBusConnection',
      queueName: 'q-patients',
      isSessionsEnabled: true,
      handler: async (message, context) => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setImmediate(resolve));
        const sessionId = String(context.triggerMetadata?.sessionId);
        handled.push({ sessionId, seq: (message as { seq: number }).seq });
        running -= 1;
      },
    });
  });
  await host.start();
}, 20_000);

afterAll(async () => {
  await host?.stop();
  await bus?.stop();
}, 20_000);

function seqsOf(sessionId: string): number[] {
  return handled.filter((h) => h.sessionId === sessionId).map((h) => h.seq);
}

async function send(sessionId: string, seqs: number[]): Promise<void> {
  const sender = bus.client.createSender('q-patients');
  await sender.sendMessages(
    seqs.map((seq) => ({ sessionId, messageId: `${sessionId}-${seq}`, body: { seq } })),
  );
  await sender.close();
}

describe('session pump', { timeout: 20_000 }, () => {
  it('serves every session through one slot, each in order, one message at a time', async () => {
    const sessions = ['p-1', 'p-2', 'p-3', 'p-4'];
    for (const sessionId of sessions) await send(sessionId, [0, 1, 2]);

    await expect.poll(() => handled.length, { timeout: 15_000 }).toBe(12);
    for (const sessionId of sessions) expect(seqsOf(sessionId)).toEqual([0, 1, 2]);
    expect(mostAtOnce).toBe(1);
    expect(await bus.peek('q-patients')).toEqual([]);
  });

  it('gives the slot back when the session has no next message, and takes it up again later', async () => {
    await send('late', [0]);
    await expect.poll(() => seqsOf('late'), { timeout: 10_000 }).toEqual([0]);

    // With the only slot still on `late`, this one would wait for it.
    await send('other', [0]);
    await expect.poll(() => seqsOf('other'), { timeout: 10_000 }).toEqual([0]);

    await send('late', [1, 2]);
    await expect.poll(() => seqsOf('late'), { timeout: 10_000 }).toEqual([0, 1, 2]);
  });

  it('has given every session back to the broker once stop returns', async () => {
    await send('last', [0]);
    await expect.poll(() => seqsOf('last'), { timeout: 10_000 }).toEqual([0]);
    await host.stop();

    // A session still locked by the host could not be accepted here.
    const receiver = await bus.client.acceptSession('q-patients', 'last');
    expect(receiver.sessionId).toBe('last');
    await receiver.close();
  });
});
