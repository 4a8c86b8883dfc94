/**
 * A queue as a sender sees it: messages go, deduplicated, into its one `MessageQueue`.
 */
import type { Message } from 'rhea';

import type { MessageStore } from '../store/message-store.js';
import type { DuplicateDetector } from './duplicate-detector.js';
import type { MessageQueue } from './message-queue.js';
import { readIncoming, requireSessionIds, toStored, type SendTarget } from './send-target.js';

/** The send side of a queue. */
export class QueueEntity implements SendTarget {
  readonly kind = 'queue';

  constructor(
    readonly queue: MessageQueue,
    private readonly store: MessageStore,
    readonly duplicates: DuplicateDetector | undefined,
    private readonly onStoreError: (error: unknown) => void,
  ) {}

  /** The queue's canonical path. */
  get path(): string {
    return this.queue.path;
  }

  /** See `SendTarget.send`. */
  async send(messages: Message[]): Promise<Array<number | undefined>> {
    if (this.queue.settings.requiresSession) requireSessionIds(this.path, messages);
    const nowMs = Date.now();

    const writes: Array<Promise<void>> = [];
    const stored = readIncoming(messages, this.duplicates, nowMs).map(({ incoming, write }) => {
      if (write) writes.push(write);
      if (!incoming) return undefined;
      const sequenceNumber = this.queue.allocateSequenceNumber();
      const ttlMs = this.queue.settings.defaultMessageTimeToLiveMs;
      const message = toStored(incoming, this.path, sequenceNumber, ttlMs, nowMs);
      writes.push(this.store.insert(message));
      return message;
    });

    await Promise.all(writes);
    stored.forEach((message) => message && this.queue.add(message));
    return stored.map((message) => message?.sequenceNumber);
  }

  /** See `SendTarget.cancelScheduled`. */
  cancelScheduled(sequenceNumbers: number[]): Promise<void> {
    return this.queue.cancelScheduled(sequenceNumbers);
  }

  /** See `SendTarget.sweep`. */
  sweep(nowMs: number): void {
    this.duplicates?.prune(nowMs)?.catch(this.onStoreError);
  }
}
