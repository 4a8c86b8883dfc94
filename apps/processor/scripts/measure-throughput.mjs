// Measures how many messages per second the processor handles on the local host: N inbound
// ORU^R01 messages for P patients are enqueued first (with status records, as ingest writes
// them), then the host starts with the built processor (dist/functions.js) and the clock runs
// until every result has reached the `integrators` subscription.
//
//   node apps/processor/scripts/measure-throughput.mjs [--messages 1000] [--patients 50] [--sessions 8]
//     [--session-idle-ms N]   the host's session idle timeout (default: the host's own)
//
// Needs the built packages: tsc -p apps/processor/tsconfig.build.json (and its dependencies).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { ServiceBusClient } from '@azure/service-bus';
import { createHost } from '@hl7gw/local-host';
import { newGatewayId, patientSessionId } from '@hl7gw/platform';
import { startAzurite } from '@hl7gw/platform/testing';
import { loadConfig, startBroker } from '@hl7gw/servicebus-local';

import { createDeps } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000' },
    patients: { type: 'string', default: '50' },
    sessions: { type: 'string', default: '8' },
    'session-idle-ms': { type: 'string' },
  },
});
const total = Number(values.messages);
const patients = Number(values.patients);

function oruR01(controlId, patientId, abnormal) {
  const flag = abnormal ? 'H' : 'N';
  return [
    `MSH|^~\\&|LABSYS|CITYLAB|EHR|GENERAL HOSP|20240305083500||ORU^R01^ORU_R01|${controlId}|P|2.5.1`,
    `PID|1||${patientId}^^^CITYLAB^MR||DOE^JANE||19700101|F`,
    'ORC|RE|ORD-100^EHR|F-200^LAB',
    'OBR|1|ORD-100^EHR|F-200^LAB|24323-8^Comprehensive metabolic panel^LN|||20240305073000|||||||||||||||20240305083000||CH|F',
    `OBX|1|NM|2345-7^Glucose^LN||${abnormal ? 182 : 91}|mg/dL^^UCUM|70-99|${flag}|||F`,
    'OBX|2|NM|2951-2^Sodium^LN||140|mmol/L^^UCUM|135-145|N|||F',
  ].join('\r');
}

function inbound(index) {
  const id = newGatewayId();
  const patientId = `PT-${index % patients}`;
  const controlId = `TP-${index}`;
  return {
    envelope: {
      v: 1,
      id,
      receivedAt: new Date().toISOString(),
      source: { clientId: 'bench', channel: 'http' },
      raw: oruR01(controlId, patientId, index % 5 === 0),
    },
    properties: {
      messageType: 'ORU^R01',
      hl7Version: '2.5.1',
      sendingApplication: 'LABSYS',
      sendingFacility: 'CITYLAB',
      controlId,
      traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
      replayCount: 0,
    },
    sessionId: patientSessionId({ sendingFacility: 'CITYLAB', patientId }, { fallback: id }),
  };
}

async function inChunks(items, size, work) {
  for (let i = 0; i < items.length; i += size) await work(items.slice(i, i + size));
}

const dataDir = await mkdtemp(join(tmpdir(), 'processor-throughput-'));
const azurite = await startAzurite();
const configText = await readFile(new URL('../../../config/servicebus.json', import.meta.url));
const broker = await startBroker({
  port: 0,
  host: '127.0.0.1',
  config: loadConfig(String(configText)),
  dataDir,
});
Object.assign(process.env, {
  ServiceBusConnection: broker.connectionString,
  AzureWebJobsStorage: azurite.connectionString,
  HL7GW_LOG_LEVEL: 'warn',
});
const deps = createDeps(process.env);
const client = new ServiceBusClient(broker.connectionString);
let host;

try {
  const messages = Array.from({ length: total }, (_, i) => inbound(i));
  await inChunks(messages, 50, (chunk) =>
    Promise.all(
      chunk.map(async ({ envelope }) => {
        await deps.statuses.create(envelope.id, { messageType: 'ORU^R01', clientId: 'bench' });
        await deps.statuses.transition(envelope.id, 'queued');
      }),
    ),
  );
  await inChunks(messages, 100, (chunk) => deps.bus.sendInboundMany(chunk));
  console.log(`enqueued ${total} messages for ${patients} patients`);

  host = createHost({
    port: 0,
    maxConcurrentSessions: Number(values.sessions),
    ...(values['session-idle-ms'] === undefined
      ? {}
      : { sessionIdleTimeoutMs: Number(values['session-idle-ms']) }),
    // Warnings too: a session lost or a settlement failed means redeliveries in the figure.
    log: (entry) =>
      (entry.level === 'error' || entry.level === 'warn') &&
      console.error(entry.level, entry.message),
  });
  await host.load(new URL('../dist/functions.js', import.meta.url).pathname);

  const results = client.createReceiver('hl7-results', 'integrators', {
    receiveMode: 'receiveAndDelete',
  });
  const startedMs = performance.now();
  await host.start();
  let received = 0;
  while (received < total) {
    const batch = await results.receiveMessages(200, { maxWaitTimeInMs: 2_000 });
    if (batch.length === 0 && performance.now() - startedMs > 120_000) break;
    received += batch.length;
  }
  const elapsedS = (performance.now() - startedMs) / 1000;
  await results.close();

  console.log(
    `${received}/${total} results in ${elapsedS.toFixed(2)} s: ` +
      `${(received / elapsedS).toFixed(0)} messages/s ` +
      `(${values.sessions} sessions at once, ${patients} patients)`,
  );
} finally {
  await host?.stop();
  await client.close();
  await deps.close();
  await broker.close();
  await azurite.stop();
  await rm(dataDir, { recursive: true, force: true });
}
