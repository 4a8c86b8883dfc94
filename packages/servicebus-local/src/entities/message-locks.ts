/**
 * The peek-locks of one queue: which messages are locked, by which token, until when.
 */
import { randomUUID } from 'node:crypto';

import { BrokerError } from '../broker-error.js';

/** A message handed to a receiver under peek-lock. */
export interface MessageLock {
  /** The lock token, a UUID string as the client prints it. */
  readonly token: string;
  readonly sequenceNumber: number;
  /** The session whose lock governs this one, on a session entity. */
  readonly sessionId: string | undefined;
  lockedUntilMs: number;
}

/** The lock table of one queue, by token and by sequence number. */
export class MessageLocks {
  private readonly byToken = new Map<string, MessageLock>();
  private readonly bySequence = new Map<number, MessageLock>();

  constructor(private readonly entity: string) {}

  /** Locks message `sequenceNumber` until `lockedUntilMs`. */
  lock(sequenceNumber: number, sessionId: string | undefined, lockedUntilMs: number): MessageLock {
    const lock: MessageLock = { token: randomUUID(), sequenceNumber, sessionId, lockedUntilMs };
    this.byToken.set(lock.token, lock);
    this.bySequence.set(sequenceNumber, lock);
    return lock;
  }

  /** Whether message `sequenceNumber` is locked (expired locks count until swept). */
  isLocked(sequenceNumber: number): boolean {
    return this.bySequence.has(sequenceNumber);
  }

  /**
   * The live lock of `token`.
   * @throws BrokerError MESSAGE_LOCK_LOST when the token is unknown or its lock expired.
   */
  live(token: string, nowMs = Date.now()): MessageLock {
    const lock = this.byToken.get(token);
    if (!lock || lock.lockedUntilMs < nowMs) {
      throw new BrokerError(
        'MESSAGE_LOCK_LOST',
        `The lock supplied is invalid: it expired, or the message was already settled ('${this.entity}').`,
      );
    }
    return lock;
  }

  /** Removes the lock of `token`, if it is still there. */
  unlock(token: string): void {
    const lock = this.byToken.get(token);
    if (!lock) return;
    this.byToken.delete(token);
    this.bySequence.delete(lock.sequenceNumber);
  }

  /** Every lock, as a snapshot safe to change the table while iterating. */
  all(): MessageLock[] {
    return [...this.byToken.values()];
  }
}
