import { app } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createHost, type LocalHost } from './host.js';
import { silentHostLog } from './log.js';
import { startTestBroker, type TestBroker } from './test-support/test-broker.js';

const CONFIG = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'local-host-stop',
        Queues: [{ Name: 'q-work', Properties: { LockDuration: 'PT30S', MaxDeliveryCount: 3 } }],
        Topics: [],
      },
    ],
  },
};

let bus: TestBroker;
let host: LocalHost;
let handlerStarted = false;
let handlerFinished = false;
let release: () => void = () => undefined;

beforeAll(async () => {
  bus = await startTestBroker(CONFIG);
  host = createHost({
    port: 0,
    serviceBusConnectionString: bus.connectionString,
    receiveWaitMs: 300,
    log: silentHostLog,
  });
  await host.load(() => {
    app.serviceBusQueue('work', {
      connection: 'ServiceBusConnection',
      queueName: 'q-work',
      handler: async () => {
        handlerStarted = true;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        handlerFinished = true;
      },
    });
  });
  await host.start();
}, 20_000);

afterAll(async () => {
  await host?.stop();
  await bus?.stop();
}, 20_000);

describe('graceful stop', { timeout: 20_000 }, () => {
  it('finishes and completes the message in hand, and takes no new one', async () => {
    const sender = bus.client.createSender('q-work');
    await sender.sendMessages({ messageId: 'in-flight-1', body: { n: 1 } });
    await expect.poll(() => handlerStarted, { timeout: 10_000 }).toBe(true);

    const stopped = host.stop();
    await sender.sendMessages({ messageId: 'after-stop-1', body: { n: 2 } });
    release();
    await stopped;
    await sender.close();

    expect(handlerFinished).toBe(true);
    const left = await bus.peek('q-work');
    expect(left.map((m) => m.messageId)).toEqual(['after-stop-1']);
  });
});
