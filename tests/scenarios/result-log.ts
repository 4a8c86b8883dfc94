/**
 * Every result published to one `hl7-results` subscription, recorded by gateway id as it
 * arrives. One receiver for the whole file, so scenarios never compete for results: each
 * looks up the gateway ids its own submissions were given, whatever else is on the topic.
 */
import type {
  ServiceBusClient,
  ServiceBusReceivedMessage,
  ServiceBusReceiver,
} from '@azure/service-bus';

import type { DeliveredResult } from '../support/client.js';

/** A published result as the log keeps it. */
export interface LoggedResult extends DeliveredResult {
  /** The subscription's sequence number: two numbers for one id are two publications. */
  sequenceNumber: string;
}

/** A running log. */
export interface ResultLog {
  /** The publications of one gateway id so far, in arrival order. */
  of(id: string): LoggedResult[];
  /**
   * Resolves with the first publication of each id once every id has one; throws after
   * `timeoutMs` saying how many are still missing.
   */
  waitFor(ids: readonly string[], timeoutMs?: number): Promise<Map<string, LoggedResult>>;
  /** Receive or settlement errors the client reported (codes only). */
  errors: string[];
  close(): Promise<void>;
}

function logged(message: ServiceBusReceivedMessage): LoggedResult {
  const document = message.body as Record<string, unknown>;
  const source = (document.source ?? {}) as { controlId?: string };
  return {
    messageId: String(message.messageId),
    controlId: String(source.controlId),
    properties: { ...message.applicationProperties },
    document,
    sequenceNumber: String(message.sequenceNumber),
    ...(message.sessionId === undefined ? {} : { sessionId: message.sessionId }),
  };
}

/**
 * Starts receiving from `subscription` with a streaming receiver, which completes each
 * result once recorded. A streaming receiver keeps its credit topped up instead of draining
 * it after every wait, so it never holds results back from a test.
 */
export function startResultLog(bus: ServiceBusClient, subscription: string): ResultLog {
  const receiver: ServiceBusReceiver = bus.createReceiver('hl7-results', subscription);
  const byId = new Map<string, Map<string, LoggedResult>>();
  const listeners = new Set<() => void>();
  const errors: string[] = [];

  const handlers = receiver.subscribe(
    {
      processMessage: async (message) => {
        const result = logged(message);
        const seen = byId.get(result.messageId) ?? new Map<string, LoggedResult>();
        // A redelivery (a completion that failed) has the same sequence number: not a
        // second publication.
        if (!seen.has(result.sequenceNumber)) seen.set(result.sequenceNumber, result);
        byId.set(result.messageId, seen);
        for (const listener of listeners) listener();
      },
      processError: async (args) => {
        const code = (args.error as { code?: string }).code ?? args.error.name;
        errors.push(`${args.errorSource}: ${code}`);
      },
    },
    { autoCompleteMessages: true, maxConcurrentCalls: 32 },
  );

  const of = (id: string) => [...(byId.get(id)?.values() ?? [])];

  return {
    of,
    errors,
    waitFor: (ids, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!ids.every((id) => byId.has(id))) return;
          finish();
          resolve(new Map(ids.map((id) => [id, of(id)[0]!])));
        };
        const timer = setTimeout(() => {
          finish();
          const missing = ids.filter((id) => !byId.has(id));
          reject(
            new Error(
              `${missing.length} of ${ids.length} results not published after ${timeoutMs} ms ` +
                `(first missing: ${missing.slice(0, 5).join(', ')})`,
            ),
          );
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    close: async () => {
      await handlers.close();
      await receiver.close();
    },
  };
}
