/**
 * Many messages through the gateway while a test breaks something: submitters that keep
 * retrying a message (the same bytes, so the same MSH-10) until it is accepted, as a lab
 * system does, and the count of what comes out.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { ServiceBusClient } from '@azure/service-bus';

import { drainResults, getStatus, type ApiTarget } from './client.js';
import { oru } from './hl7.js';

/**
 * Writes a timed progress line to stderr when `HL7GW_TEST_TRACE` is set, to see where a slow
 * or stuck crash test spends its time; silent otherwise.
 */
export function tracer(name: string): (line: string) => void {
  const started = Date.now();
  return process.env.HL7GW_TEST_TRACE
    ? (line) => process.stderr.write(`${name} +${Date.now() - started} ms: ${line}\n`)
    : () => undefined;
}

/** `count` ORU^R01 messages for `patients` patients, interleaved, with unique MSH-10s. */
export function loadMessages(count: number, patients = 50): { controlId: string; text: string }[] {
  return Array.from({ length: count }, (_, index) => {
    const patientId = `TSTL${String(index % patients).padStart(6, '0')}`;
    const controlId = `L-${String(index).padStart(5, '0')}`;
    return { controlId, text: oru({ controlId, patientId, abnormal: index % 7 === 0 }) };
  });
}

/** What a run of submissions saw. */
export interface SubmitOutcome {
  /** Gateway id per MSH-10, from the 202 that accepted it. */
  ids: Map<string, string>;
  /** Attempts that failed (connection refused or reset, 503) and were tried again. */
  retries: number;
  /** Answers that were neither 202 nor a retryable failure, as `status code`. */
  refusals: string[];
}

/**
 * Submits every message with `concurrency` workers. `target()` is read for each attempt, so
 * a restarted host on a new port is picked up. A connection failure or 503 is retried
 * after `retryDelayMs`; `onAccepted(n)` is told the running count of accepted messages.
 */
export async function submitAll(
  messages: readonly { controlId: string; text: string }[],
  target: () => ApiTarget,
  options: { concurrency: number; retryDelayMs?: number; onAccepted?: (n: number) => void },
): Promise<SubmitOutcome> {
  const outcome: SubmitOutcome = { ids: new Map(), retries: 0, refusals: [] };
  let next = 0;
  const worker = async () => {
    while (next < messages.length) {
      const message = messages[next++]!;
      for (;;) {
        const answer = await attempt(target(), message.text);
        if (answer.kind === 'accepted') {
          outcome.ids.set(message.controlId, answer.id);
          options.onAccepted?.(outcome.ids.size);
          break;
        }
        if (answer.kind === 'refused') {
          outcome.refusals.push(answer.detail);
          break;
        }
        outcome.retries += 1;
        await sleep(options.retryDelayMs ?? 100);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return outcome;
}

type Attempt =
  { kind: 'accepted'; id: string } | { kind: 'retry' } | { kind: 'refused'; detail: string };

async function attempt(target: ApiTarget, text: string): Promise<Attempt> {
  let response: Response;
  try {
    response = await fetch(`${target.api}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': target.apiKey,
        'content-type': 'x-application/hl7-v2+er7',
        accept: 'application/json',
      },
      body: text,
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    // Refused or reset: the host is down or went down during the request.
    return { kind: 'retry' };
  }
  const body = await response.text().catch(() => '');
  if (response.status === 202)
    return { kind: 'accepted', id: (JSON.parse(body) as { id: string }).id };
  // 503: a dependency is away; 429: over the rate limit. A lab system tries again later.
  if (response.status === 503 || response.status === 429) return { kind: 'retry' };
  return { kind: 'refused', detail: `${response.status} ${body.slice(0, 200)}` };
}

/**
 * Waits until every id is `processed` (reading statuses with a few requests at a time),
 * or `timeoutMs`; returns the ids that are not, with their status.
 */
export async function unprocessed(
  target: () => ApiTarget,
  ids: readonly string[],
  timeoutMs: number,
): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...ids];
  const last = new Map<string, string>();
  while (pending.length > 0) {
    const still: string[] = [];
    for (let start = 0; start < pending.length; start += 25) {
      const slice = pending.slice(start, start + 25);
      const statuses = await Promise.all(
        slice.map((id) =>
          getStatus(target(), id)
            .then((r) => r.status)
            .catch(() => 'unreadable'),
        ),
      );
      slice.forEach((id, index) => {
        const status = statuses[index]!;
        last.set(id, status);
        if (status !== 'processed') still.push(id);
      });
    }
    pending = still;
    if (pending.length === 0 || Date.now() > deadline) break;
    await sleep(250);
  }
  return new Map(pending.map((id) => [id, last.get(id) ?? 'unknown']));
}

/** How often each MSH-10 and each gateway id came out on a subscription. */
export interface ResultCount {
  /** Results received. */
  total: number;
  /** MSH-10s received more than once, with their count. */
  repeated: Map<string, number>;
  /** Result message ids (gateway ids) received. */
  messageIds: Set<string>;
  /** MSH-10s received. */
  controlIds: Set<string>;
}

/** Drains `subscription` until `expected` results arrived and then 1.5 s passed quietly. */
export async function countResults(
  bus: ServiceBusClient,
  subscription: string,
  expected: number,
  timeoutMs: number,
): Promise<ResultCount> {
  const results = await drainResults(bus, subscription, {
    count: expected,
    quietMs: 1_500,
    timeoutMs,
  });
  const perControlId = new Map<string, number>();
  for (const result of results) {
    perControlId.set(result.controlId, (perControlId.get(result.controlId) ?? 0) + 1);
  }
  return {
    total: results.length,
    repeated: new Map([...perControlId].filter(([, n]) => n > 1)),
    messageIds: new Set(results.map((result) => result.messageId)),
    controlIds: new Set(perControlId.keys()),
  };
}
