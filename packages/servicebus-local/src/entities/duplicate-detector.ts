/**
 * Duplicate detection of one queue or topic: a message whose `messageId` was accepted within
 * the history window is dropped (and still acknowledged to its sender, as Service Bus does).
 */
import type { MessageStore } from '../store/message-store.js';

/** The `messageId`s an entity accepted recently, durable across restarts. */
export class DuplicateDetector {
  private readonly seenAtMs = new Map<string, number>();

  constructor(
    private readonly entity: string,
    private readonly windowMs: number,
    private readonly store: MessageStore,
  ) {}

  /** Adds an id read back from the store. */
  restore(messageId: string, seenAtMs: number): void {
    this.seenAtMs.set(messageId, seenAtMs);
  }

  /**
   * True when `messageId` was seen within the window; otherwise records it (in memory now,
   * durably with the caller's next group commit) and returns false.
   */
  checkAndRemember(
    messageId: string,
    nowMs: number,
  ): { duplicate: boolean; write?: Promise<void> } {
    const seen = this.seenAtMs.get(messageId);
    if (seen !== undefined && nowMs - seen < this.windowMs) return { duplicate: true };

    this.seenAtMs.set(messageId, nowMs);
    return { duplicate: false, write: this.store.rememberMessageId(this.entity, messageId, nowMs) };
  }

  /** Forgets ids older than the window, in memory and in the store. */
  prune(nowMs: number): Promise<void> | undefined {
    const cutoff = nowMs - this.windowMs;
    let pruned = false;
    for (const [id, at] of this.seenAtMs) {
      if (at < cutoff) {
        this.seenAtMs.delete(id);
        pruned = true;
      }
    }
    return pruned ? this.store.forgetMessageIds(this.entity, cutoff) : undefined;
  }
}
