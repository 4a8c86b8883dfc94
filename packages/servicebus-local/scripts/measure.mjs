// Measures send and receive rates of the real @azure/service-bus client against the built
// broker: `node packages/servicebus-local/scripts/measure.mjs [messageCount]` after a build.
// Prints messages per second; not a test, so nothing here asserts a speed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { ServiceBusClient } from '@azure/service-bus';

import { loadConfig, startBroker } from '../dist/index.js';

const count = Number(process.argv[2] ?? 2000);
const config = loadConfig(
  JSON.stringify({
    UserConfig: { Namespaces: [{ Name: 'measure', Queues: [{ Name: 'q', Properties: {} }] }] },
  }),
);
const dataDir = mkdtempSync(join(tmpdir(), 'servicebus-local-measure-'));
const broker = await startBroker({ config, dataDir });
const client = new ServiceBusClient(broker.connectionString);
const sender = client.createSender('q');
const body = { text: 'x'.repeat(512) };

async function timed(label, run) {
  const startedMs = performance.now();
  const done = await run();
  const seconds = (performance.now() - startedMs) / 1000;
  console.log(`${label.padEnd(46)} ${String(Math.round(done / seconds)).padStart(7)} msg/s`);
}

await timed(`send, one at a time (${count})`, async () => {
  for (let i = 0; i < count; i++) await sender.sendMessages({ body });
  return count;
});
await timed(`send, 64 in flight (${count})`, async () => {
  let next = 0;
  const worker = async () => {
    while (next++ < count) await sender.sendMessages({ body });
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  return count;
});
await timed(`send, batches of 100 (${count})`, async () => {
  for (let sent = 0; sent < count; sent += 100) {
    const batch = await sender.createMessageBatch();
    for (let i = 0; i < 100; i++) batch.tryAddMessage({ body });
    await sender.sendMessages(batch);
  }
  return count;
});

const receiver = client.createReceiver('q');
await timed(`receive peek-lock + complete (${count})`, async () => {
  let received = 0;
  while (received < count) {
    const messages = await receiver.receiveMessages(100, { maxWaitTimeInMs: 1000 });
    await Promise.all(messages.map((m) => receiver.completeMessage(m)));
    received += messages.length;
  }
  return received;
});
const deleter = client.createReceiver('q', { receiveMode: 'receiveAndDelete' });
await timed(`receive receive-and-delete (${2 * count})`, async () => {
  let received = 0;
  while (received < 2 * count) {
    const messages = await deleter.receiveMessages(500, { maxWaitTimeInMs: 1000 });
    if (messages.length === 0) break;
    received += messages.length;
  }
  return received;
});

await client.close();
await broker.close();
rmSync(dataDir, { recursive: true, force: true });
