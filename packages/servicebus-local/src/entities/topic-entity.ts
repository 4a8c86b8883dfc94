/**
 * A topic: each message sent to it goes to every subscription whose rules match it (every
 * subscription without rules), as a copy with that subscription's own sequence number.
 */
import type { Message } from 'rhea';

import { BrokerError } from '../broker-error.js';
import { decodeMessage, toFilterable } from '../amqp/message-codec.js';
import type { MessageMatcher } from '../filters/index.js';
import type { MessageStore } from '../store/message-store.js';
import type { BrokerMessage } from './broker-message.js';
import type { DuplicateDetector } from './duplicate-detector.js';
import type { MessageQueue } from './message-queue.js';
import { readIncoming, toStored, type IncomingMessage, type SendTarget } from './send-target.js';

/** One subscription of a topic, with its compiled rules. */
export interface Subscription {
  readonly name: string;
  readonly queue: MessageQueue;
  readonly matches: MessageMatcher;
}

/** The send side of a topic; its scheduled messages wait here until they fan out. */
export class TopicEntity implements SendTarget {
  readonly kind = 'topic';
  private readonly scheduled = new Map<number, BrokerMessage>();
  private lastSequenceNumber = 0;

  constructor(
    readonly path: string,
    private readonly defaultTimeToLiveMs: number,
    readonly subscriptions: readonly Subscription[],
    private readonly store: MessageStore,
    readonly duplicates: DuplicateDetector | undefined,
    private readonly onStoreError: (error: unknown) => void,
  ) {}

  /** Adds a scheduled message read back from the store. */
  restoreScheduled(message: BrokerMessage): void {
    this.scheduled.set(message.sequenceNumber, message);
    this.restoreSequence(message.sequenceNumber);
  }

  /** Sets the last sequence number handed out for scheduled messages. */
  restoreSequence(lastSequenceNumber: number): void {
    this.lastSequenceNumber = Math.max(this.lastSequenceNumber, lastSequenceNumber);
  }

  /** See `SendTarget.send`. */
  async send(messages: Message[]): Promise<Array<number | undefined>> {
    const nowMs = Date.now();
    const writes: Array<Promise<void>> = [];
    const copies: BrokerMessage[] = [];

    const numbers = readIncoming(messages, this.duplicates, nowMs).map(({ incoming, write }) => {
      if (write) writes.push(write);
      if (!incoming) return undefined;
      if (incoming.scheduledAtMs !== undefined) return this.schedule(incoming, nowMs, writes);
      copies.push(...this.fanOut(incoming, nowMs, writes));
      return undefined;
    });

    await Promise.all(writes);
    copies.forEach((copy) => this.queueOf(copy).add(copy));
    return numbers;
  }

  /** See `SendTarget.cancelScheduled`. */
  async cancelScheduled(sequenceNumbers: number[]): Promise<void> {
    for (const n of sequenceNumbers) {
      if (!this.scheduled.has(n)) {
        throw new BrokerError(
          'MESSAGE_NOT_FOUND',
          `No scheduled message with sequence number ${n} in '${this.path}'.`,
        );
      }
    }
    const writes = sequenceNumbers.map((n) => {
      this.scheduled.delete(n);
      return this.store.remove(this.path, n);
    });
    await Promise.all(writes);
  }

  /** See `SendTarget.sweep`. */
  sweep(nowMs: number): void {
    this.duplicates?.prune(nowMs)?.catch(this.onStoreError);

    for (const message of [...this.scheduled.values()]) {
      if ((message.scheduledAtMs ?? 0) > nowMs) continue;
      this.scheduled.delete(message.sequenceNumber);
      const writes = [this.store.remove(this.path, message.sequenceNumber)];
      const incoming = this.incomingOf(message);
      const copies = this.fanOut(incoming, nowMs, writes);
      Promise.all(writes)
        .then(() => copies.forEach((copy) => this.queueOf(copy).add(copy)))
        .catch(this.onStoreError);
    }
  }

  private schedule(incoming: IncomingMessage, nowMs: number, writes: Array<Promise<void>>): number {
    this.lastSequenceNumber += 1;
    const message = toStored(
      incoming,
      this.path,
      this.lastSequenceNumber,
      this.defaultTimeToLiveMs,
      nowMs,
    );
    this.scheduled.set(message.sequenceNumber, message);
    writes.push(this.store.insert(message));
    return message.sequenceNumber;
  }

  private fanOut(
    incoming: IncomingMessage,
    nowMs: number,
    writes: Array<Promise<void>>,
  ): BrokerMessage[] {
    const filterable = toFilterable(incoming.message);
    const copies: BrokerMessage[] = [];
    for (const subscription of this.subscriptions) {
      if (!subscription.matches(filterable)) continue;
      const { queue } = subscription;
      const ttlMs = Math.min(this.defaultTimeToLiveMs, queue.settings.defaultMessageTimeToLiveMs);
      const copy = toStored(incoming, queue.path, queue.allocateSequenceNumber(), ttlMs, nowMs);
      writes.push(this.store.insert(copy));
      copies.push(copy);
    }
    return copies;
  }

  private incomingOf(message: BrokerMessage): IncomingMessage {
    return {
      message: decodeMessage(message.payload),
      messageId: message.messageId,
      sessionId: message.sessionId,
      scheduledAtMs: undefined,
      timeToLiveMs: undefined,
      payload: message.payload,
    };
  }

  private queueOf(copy: BrokerMessage): MessageQueue {
    return this.subscriptions.find((s) => s.queue.path === copy.entity)!.queue;
  }
}
