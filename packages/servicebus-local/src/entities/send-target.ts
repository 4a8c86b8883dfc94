/**
 * What a sender sends to: a queue or a topic. Both read the same incoming messages into
 * stored ones; they differ in where those go.
 */
import type { Message } from 'rhea';

import { BrokerError } from '../broker-error.js';
import {
  encodeMessage,
  messageIdText,
  normaliseIncoming,
  scheduledEnqueueTimeMs,
  timeToLiveMs,
} from '../amqp/message-codec.js';
import type { BrokerMessage } from './broker-message.js';
import type { DuplicateDetector } from './duplicate-detector.js';

/** A queue or topic as a sender sees it. */
export interface SendTarget {
  readonly kind: 'queue' | 'topic';
  readonly path: string;
  /**
   * Accepts messages, durably: the promise settles once they are stored. Messages with a
   * `x-opt-scheduled-enqueue-time` in the future are scheduled. Returns each message's
   * sequence number (its scheduled one for a topic), or undefined for a dropped duplicate.
   * @throws BrokerError NOT_ALLOWED when a session entity receives a message without session id.
   */
  send(messages: Message[]): Promise<Array<number | undefined>>;
  /**
   * Cancels scheduled messages by sequence number.
   * @throws BrokerError MESSAGE_NOT_FOUND when a number names no scheduled message.
   */
  cancelScheduled(sequenceNumbers: number[]): Promise<void>;
  /** Applies the passage of time: due scheduled messages, duplicate-detection history. */
  sweep(nowMs: number): void;
}

/** An incoming message read for storage, before it has an entity and a sequence number. */
export interface IncomingMessage {
  readonly message: Message;
  readonly messageId: string;
  readonly sessionId: string | undefined;
  readonly scheduledAtMs: number | undefined;
  readonly timeToLiveMs: number | undefined;
  readonly payload: Buffer;
}

/**
 * Normalises each message and drops those the duplicate detector has seen. The returned
 * writes store the detector's history and must be awaited with the messages.
 */
export function readIncoming(
  messages: Message[],
  duplicates: DuplicateDetector | undefined,
  nowMs: number,
): Array<{ incoming: IncomingMessage | undefined; write?: Promise<void> }> {
  return messages.map((raw) => {
    const message = normaliseIncoming(raw);
    const messageId = messageIdText(message.message_id);
    const check = duplicates?.checkAndRemember(messageId, nowMs);
    if (check?.duplicate) return { incoming: undefined };

    const scheduledAtMs = scheduledEnqueueTimeMs(message);
    const incoming: IncomingMessage = {
      message,
      messageId,
      sessionId: message.group_id ?? undefined,
      scheduledAtMs:
        scheduledAtMs !== undefined && scheduledAtMs > nowMs ? scheduledAtMs : undefined,
      timeToLiveMs: timeToLiveMs(message),
      payload: encodeMessage(message),
    };
    return { incoming, write: check?.write };
  });
}

/**
 * Refuses a batch in which a message lacks a session id, for an entity that requires sessions.
 * @throws BrokerError NOT_ALLOWED naming the entity.
 */
export function requireSessionIds(path: string, messages: Message[]): void {
  if (messages.some((m) => m.group_id === undefined || m.group_id === null)) {
    throw new BrokerError(
      'NOT_ALLOWED',
      `'${path}' requires sessions: every message sent to it must have a sessionId.`,
    );
  }
}

/** Builds the stored form of an incoming message for one entity. */
export function toStored(
  incoming: IncomingMessage,
  entity: string,
  sequenceNumber: number,
  defaultTimeToLiveMs: number,
  nowMs: number,
): BrokerMessage {
  const ttlMs = Math.min(incoming.timeToLiveMs ?? defaultTimeToLiveMs, defaultTimeToLiveMs);
  const expiresAtMs = (incoming.scheduledAtMs ?? nowMs) + ttlMs;
  return {
    entity,
    sequenceNumber,
    enqueuedAtMs: nowMs,
    messageId: incoming.messageId,
    sessionId: incoming.sessionId,
    state: incoming.scheduledAtMs !== undefined ? 'scheduled' : 'active',
    scheduledAtMs: incoming.scheduledAtMs,
    expiresAtMs: Number.isSafeInteger(expiresAtMs) ? expiresAtMs : undefined,
    deliveryCount: 0,
    payload: incoming.payload,
  };
}
