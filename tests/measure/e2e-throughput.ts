/**
 * `npm run measure:e2e`: the whole gateway in this process (Azurite, the broker, the host
 * with the three apps), N ORU^R01 messages submitted over HTTP with some concurrency, and
 * what it took: messages per second from the first submission to the last `processed`, and
 * p50/p95 from `queued` (the step recorded as the 202 is answered) to `processed`, read from
 * the status history. A measurement, not a test: nothing here passes or fails.
 *
 *   --count N         messages (default 1000)
 *   --concurrency N   requests in flight (default 16)
 *   --patients N      distinct patients, so sessions (default 50)
 *   --batch N         submit as FHS/BHS batches of N members instead of one by one
 *   --session-idle-ms N   the host's session idle timeout (default: the host's own,
 *                         DEFAULT_SESSION_IDLE_TIMEOUT_MS, not the test harness's)
 */
import { parseArgs } from 'node:util';

import { DEFAULT_SESSION_IDLE_TIMEOUT_MS } from '@hl7gw/local-host';

import { getStatus, type ApiTarget } from '../support/client.js';
import { startGateway } from '../support/gateway.js';
import { fhsBatch } from '../support/hl7.js';
import { loadMessages, submitAll, unprocessed } from '../support/load.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
    patients: { type: 'string', default: '50' },
    batch: { type: 'string', default: '0' },
    'session-idle-ms': { type: 'string' },
  },
});
const count = Number(values.count);
const concurrency = Number(values.concurrency);
const patients = Number(values.patients);
const batchSize = Number(values.batch);

// The results are not read here; no extra subscription, so nothing piles up beyond the
// configured ones.
const sessionIdle = values['session-idle-ms'];
const gateway = await startGateway({
  subscriptions: [],
  // Stated even for the default: the harness sets its own for the tests.
  host: { sessionIdleTimeoutMs: Number(sessionIdle ?? DEFAULT_SESSION_IDLE_TIMEOUT_MS) },
});
const target = (): ApiTarget => ({ api: gateway.api, apiKey: gateway.apiKey });
try {
  const messages = loadMessages(count, patients);
  const started = Date.now();
  const ids =
    batchSize > 0 ? await submitBatches(messages, batchSize) : await submitSingly(messages);
  const submittedMs = Date.now() - started;

  const left = await unprocessed(target, ids, 300_000);
  if (left.size > 0) throw new Error(`${left.size} messages never reached processed`);

  const latencies: number[] = [];
  let lastProcessed = 0;
  for (let start = 0; start < ids.length; start += 25) {
    const records = await Promise.all(
      ids.slice(start, start + 25).map((id) => getStatus(target(), id)),
    );
    for (const record of records) {
      const queued = record.history.find((step) => step.status === 'queued');
      const processed = record.history.find((step) => step.status === 'processed');
      if (!queued || !processed) throw new Error(`${record.id} has no queued or processed step`);
      const done = Date.parse(processed.at);
      latencies.push(done - Date.parse(queued.at));
      lastProcessed = Math.max(lastProcessed, done);
    }
  }
  latencies.sort((a, b) => a - b);
  const elapsedMs = lastProcessed - started;
  const report = {
    count,
    concurrency,
    patients,
    batch: batchSize,
    sessionIdleMs: Number(sessionIdle ?? DEFAULT_SESSION_IDLE_TIMEOUT_MS),
    submitPerSecond: round((count / submittedMs) * 1000),
    endToEndPerSecond: round((count / elapsedMs) * 1000),
    elapsedSeconds: round(elapsedMs / 1000),
    queuedToProcessedMs: {
      p50: percentile(latencies, 0.5),
      p95: percentile(latencies, 0.95),
      max: latencies[latencies.length - 1],
    },
  };
  console.log(JSON.stringify(report));
} finally {
  await gateway.stop();
}

async function submitSingly(messages: { controlId: string; text: string }[]): Promise<string[]> {
  const outcome = await submitAll(messages, target, { concurrency });
  if (outcome.refusals.length > 0) throw new Error(`refused: ${outcome.refusals[0]}`);
  return [...outcome.ids.values()];
}

async function submitBatches(
  messages: { controlId: string; text: string }[],
  size: number,
): Promise<string[]> {
  const batches: string[] = [];
  for (let start = 0; start < messages.length; start += size) {
    batches.push(fhsBatch(messages.slice(start, start + size).map((m) => m.text)));
  }
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const body = batches[next++]!;
      const response = await fetch(`${gateway.api}/v1/batches`, {
        method: 'POST',
        headers: {
          'x-api-key': gateway.apiKey,
          'content-type': 'x-application/hl7-v2+er7',
          accept: 'application/json',
        },
        body,
      });
      const answer = (await response.json()) as { accepted?: { id: string }[] };
      if (response.status !== 202 || !answer.accepted) {
        throw new Error(`batch answered ${response.status}`);
      }
      ids.push(...answer.accepted.map((member) => member.id));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  return ids;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
