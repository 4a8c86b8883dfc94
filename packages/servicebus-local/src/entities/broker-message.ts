/**
 * A message as the broker holds it in one entity: the client's encoded AMQP message plus the
 * bookkeeping Service Bus keeps beside it (sequence number, state, delivery count, expiry).
 */

/** Where a message stands in its entity, as Service Bus names it. */
export type MessageState = 'active' | 'deferred' | 'scheduled';

/** One message in one entity (queue, subscription, dead-letter queue, or a topic's schedule). */
export interface BrokerMessage {
  /** The entity's canonical path, lower case: `hl7-inbound`, `t/subscriptions/s/$deadletterqueue`. */
  readonly entity: string;
  /** Unique within the entity, increasing in enqueue order. */
  readonly sequenceNumber: number;
  readonly enqueuedAtMs: number;
  /** The message id as text: the client's, or one the broker gave it. */
  readonly messageId: string;
  /** The AMQP `group-id`; undefined for a message sent without a session. */
  readonly sessionId: string | undefined;
  state: MessageState;
  /** When a scheduled message becomes active. */
  scheduledAtMs: number | undefined;
  /** When the message's time to live runs out; undefined when it never does. */
  readonly expiresAtMs: number | undefined;
  /** Deliveries that ended without completion (abandon, lock expiry), sent as header `delivery-count`. */
  deliveryCount: number;
  /** The message as the client encoded it, with broker annotations stripped. */
  payload: Buffer;
}
