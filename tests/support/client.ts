/**
 * What a test does to a running gateway: submit over HTTP, read statuses, and drain
 * result documents off a test subscription.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';

/** Where to reach the gateway's HTTP API. */
export interface ApiTarget {
  /** `http://127.0.0.1:<port>/api`. */
  api: string;
  /** The `x-api-key`. */
  apiKey: string;
}

/** An HTTP answer with its body already read. */
export interface Answer {
  status: number;
  headers: Headers;
  /** The JSON body, or the text when it is not JSON. */
  body: unknown;
}

/** A status record as `GET /api/v1/messages/{id}` shows it. */
export interface StatusView {
  id: string;
  status: string;
  controlId?: string;
  history: { status: string; at: string; detail?: string }[];
}

/** Calls the API with the key; `body` strings are sent as HL7. */
export async function call(
  target: ApiTarget,
  method: string,
  path: string,
  body?: string | object,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const init: RequestInit = {
    method,
    headers: {
      'x-api-key': target.apiKey,
      accept: 'application/json',
      ...(typeof body === 'string' ? { 'content-type': 'x-application/hl7-v2+er7' } : {}),
      ...(typeof body === 'object' ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
  };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${target.api}${path}`, init);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON (an HL7 ACK): the text is the body.
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Submits one message; returns the answer. */
export function submit(target: ApiTarget, message: string): Promise<Answer> {
  return call(target, 'POST', '/v1/messages', message);
}

/** Reads a message's status record; throws on anything but 200. */
export async function getStatus(target: ApiTarget, id: string): Promise<StatusView> {
  const answer = await call(target, 'GET', `/v1/messages/${id}`);
  if (answer.status !== 200) throw new Error(`status of ${id}: HTTP ${answer.status}`);
  return answer.body as StatusView;
}

/**
 * Polls until `id` reaches `status` and returns the record; throws with the last record
 * seen after `timeoutMs`.
 */
export async function waitForStatus(
  target: ApiTarget,
  id: string,
  status: string,
  timeoutMs = 20_000,
): Promise<StatusView> {
  const deadline = Date.now() + timeoutMs;
  let last: StatusView | undefined;
  for (;;) {
    last = await getStatus(target, id);
    if (last.status === status) return last;
    if (Date.now() > deadline) {
      throw new Error(`${id} is ${last.status}, not ${status}, after ${timeoutMs} ms`);
    }
    await sleep(50);
  }
}

/**
 * Polls `check` until it returns a value other than `undefined`; throws `what` after
 * `timeoutMs`.
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(100);
  }
}

/** A result as a test subscription delivered it. */
export interface DeliveredResult {
  /** The bus message id: the gateway id of the inbound message. */
  messageId: string;
  /** MSH-10 as the result document carries it. */
  controlId: string;
  /** The application properties filters select on. */
  properties: Record<string, unknown>;
  /** The result document. */
  document: Record<string, unknown>;
  /** The session id the result was published with. */
  sessionId?: string;
}

/**
 * Receives and completes results from `subscription` of `hl7-results`: until `count` have
 * arrived, or until nothing more arrives for `quietMs` once `count` is reached, or
 * `timeoutMs` overall. Returns what arrived, in delivery order.
 */
export async function drainResults(
  bus: ServiceBusClient,
  subscription: string,
  options: { count: number; quietMs?: number; timeoutMs?: number },
): Promise<DeliveredResult[]> {
  const receiver = bus.createReceiver('hl7-results', subscription);
  const results: DeliveredResult[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const quietMs = options.quietMs ?? 0;
  let quietSince = Date.now();
  try {
    while (Date.now() < deadline) {
      const batch = await receiver.receiveMessages(200, { maxWaitTimeInMs: 250 });
      for (const message of batch) {
        results.push(toResult(message));
        await receiver.completeMessage(message);
      }
      if (batch.length > 0) quietSince = Date.now();
      if (results.length >= options.count && Date.now() - quietSince >= quietMs) break;
    }
  } finally {
    await receiver.close();
  }
  return results;
}

function toResult(message: ServiceBusReceivedMessage): DeliveredResult {
  const document = message.body as Record<string, unknown>;
  const source = (document.source ?? {}) as { controlId?: string };
  const result: DeliveredResult = {
    messageId: String(message.messageId),
    controlId: String(source.controlId),
    properties: { ...message.applicationProperties },
    document,
  };
  if (message.sessionId !== undefined) result.sessionId = message.sessionId;
  return result;
}
