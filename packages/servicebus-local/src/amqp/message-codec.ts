/**
 * How messages cross the wire: incoming transfers (single and batch) read into normalised
 * AMQP messages, and stored messages written out with the annotations the
 * `@azure/service-bus` client reads (`x-opt-sequence-number`, `x-opt-locked-until`, ...).
 */
import { randomUUID } from 'node:crypto';

import rhea from 'rhea';
import type { Message } from 'rhea';

import type { BrokerMessage } from '../entities/broker-message.js';
import type { FilterableMessage } from '../filters/filterable-message.js';
import { decodeAmqp, encodeAmqp } from './rhea-internals.js';

/** The message format of a Service Bus batch: one data section per encoded message. */
export const BATCH_MESSAGE_FORMAT = 0x80013700;

/** Message annotations only the broker sets; a client re-sending a received message drops them. */
const BROKER_ANNOTATIONS = [
  'x-opt-sequence-number',
  'x-opt-enqueue-sequence-number',
  'x-opt-enqueued-time',
  'x-opt-locked-until',
  'x-opt-message-state',
  'x-opt-deadletter-source',
];

const SCHEDULED_ENQUEUE_TIME = 'x-opt-scheduled-enqueue-time';

/** `x-opt-message-state` values, as the client reads them. */
const MESSAGE_STATE_CODE = { active: 0, deferred: 1, scheduled: 2 } as const;

/**
 * Reads one transfer into the messages it carries: itself, or each member of a batch.
 * @throws Error when the payload is not an AMQP message or a batch of them.
 */
export function readTransfer(payload: Message | Buffer, format: number | undefined): Message[] {
  if (!Buffer.isBuffer(payload)) return [payload];
  if (format !== BATCH_MESSAGE_FORMAT) {
    throw new Error(`message format ${format ?? 'unknown'} is not AMQP or a Service Bus batch`);
  }

  const outer = decodeAmqp(payload);
  const body = outer.body as { typecode?: number; content?: unknown; multiple?: boolean };
  if (body?.typecode !== 0x75) throw new Error('a batch must carry its messages as data sections');
  const members = body.multiple ? (body.content as Buffer[]) : [body.content as Buffer];
  return members.map((member) => decodeAmqp(member));
}

/** Decodes a stored or scheduled message's bytes. */
export function decodeMessage(bytes: Buffer): Message {
  return decodeAmqp(bytes);
}

/**
 * Prepares a client's message for storage: drops broker annotations and the header delivery
 * count, and gives it a message id when it has none (Service Bus always has one).
 */
export function normaliseIncoming(message: Message): Message {
  const annotations = { ...(message.message_annotations ?? {}) };
  for (const key of BROKER_ANNOTATIONS) delete annotations[key];
  const normalised: Message = { ...message, message_annotations: annotations };
  delete normalised.delivery_count;
  if (normalised.message_id === undefined || normalised.message_id === null) {
    normalised.message_id = randomUUID();
  }
  return normalised;
}

/** Encodes a message for storage. */
export function encodeMessage(message: Message): Buffer {
  return encodeAmqp(message);
}

/** The message id as text: strings as they are, numbers in decimal, binary ids in hex. */
export function messageIdText(id: Message['message_id']): string {
  if (typeof id === 'string') return id;
  if (typeof id === 'number') return String(id);
  if (Buffer.isBuffer(id)) return id.toString('hex');
  return String(id);
}

/** When the client asked for the message to be enqueued later, in ms since the epoch. */
export function scheduledEnqueueTimeMs(message: Message): number | undefined {
  const value: unknown = message.message_annotations?.[SCHEDULED_ENQUEUE_TIME];
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  return undefined;
}

/** The message's own time to live from its header, in ms; undefined when it states none. */
export function timeToLiveMs(message: Message): number | undefined {
  return typeof message.ttl === 'number' && message.ttl > 0 ? message.ttl : undefined;
}

/** What subscription filters see of a message. */
export function toFilterable(message: Message): FilterableMessage {
  const text = (value: unknown): string | undefined =>
    value === undefined || value === null ? undefined : messageIdText(value as string);
  return {
    applicationProperties: { ...(message.application_properties ?? {}) },
    system: {
      messageId: text(message.message_id),
      correlationId: text(message.correlation_id),
      sessionId: message.group_id,
      subject: message.subject,
      to: message.to,
      replyTo: message.reply_to,
      replyToSessionId: message.reply_to_group_id,
      contentType: message.content_type,
    },
  };
}

/**
 * Merges `properties` into the stored message's application properties and returns the new
 * encoding: how abandon, defer and dead-letter apply `propertiesToModify`, and how dead-lettering
 * records `DeadLetterReason` and `DeadLetterErrorDescription`.
 */
export function withApplicationProperties(
  payload: Buffer,
  properties: Record<string, unknown>,
): Buffer {
  const entries = Object.entries(properties).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return payload;
  const message = decodeAmqp(payload);
  message.application_properties = {
    ...(message.application_properties ?? {}),
    ...Object.fromEntries(entries),
  };
  return encodeAmqp(message);
}

/**
 * Encodes a stored message for delivery or for a management response, adding the annotations
 * the client reads and the header delivery count.
 */
export function encodeForClient(message: BrokerMessage, lockedUntilMs?: number): Buffer {
  const decoded = decodeAmqp(message.payload);
  const annotations: Record<string, unknown> = {
    ...(decoded.message_annotations ?? {}),
    'x-opt-sequence-number': rhea.types.wrap_long(message.sequenceNumber),
    'x-opt-enqueue-sequence-number': rhea.types.wrap_long(message.sequenceNumber),
    'x-opt-enqueued-time': new Date(message.enqueuedAtMs),
  };
  if (lockedUntilMs !== undefined) annotations['x-opt-locked-until'] = new Date(lockedUntilMs);
  if (message.state !== 'active') {
    annotations['x-opt-message-state'] = rhea.types.wrap_int(MESSAGE_STATE_CODE[message.state]);
  }
  if (message.scheduledAtMs !== undefined) {
    annotations[SCHEDULED_ENQUEUE_TIME] = new Date(message.scheduledAtMs);
  }

  decoded.message_annotations = annotations;
  decoded.delivery_count = message.deliveryCount;
  return encodeAmqp(decoded);
}
