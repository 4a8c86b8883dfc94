/**
 * The vocabulary of a queue: its settings, how receivers take messages, and why messages go
 * to the dead-letter queue.
 */
import type { BrokerMessage } from './broker-message.js';
import type { MessageLock } from './message-locks.js';

export type { MessageLock } from './message-locks.js';

/** The entity settings a queue or subscription runs with. */
export interface QueueSettings {
  readonly lockDurationMs: number;
  readonly maxDeliveryCount: number;
  readonly defaultMessageTimeToLiveMs: number;
  readonly deadLetteringOnMessageExpiration: boolean;
  readonly requiresSession: boolean;
}

/** A receiver link the queue wakes when messages become available. */
export interface Consumer {
  wake(): void;
}

/** What a receive hands out: the message, and its lock under peek-lock. */
export interface Taken {
  readonly message: BrokerMessage;
  readonly lock: MessageLock | undefined;
}

/** How a receiver takes messages, as the client's `receiveMode` names it. */
export type ReceiveMode = 'peekLock' | 'receiveAndDelete';

/** Why a message goes to the dead-letter queue. */
export interface DeadLetterDetails {
  readonly reason: string | undefined;
  readonly description: string | undefined;
  readonly properties?: Record<string, unknown>;
}

/** The reason Service Bus gives a message it dead-letters after too many deliveries. */
export const MAX_DELIVERY_COUNT_EXCEEDED = 'MaxDeliveryCountExceeded';
/** The reason Service Bus gives a message it dead-letters when its time to live ran out. */
export const TTL_EXPIRED = 'TTLExpiredException';
