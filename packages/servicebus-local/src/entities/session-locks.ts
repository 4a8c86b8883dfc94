/**
 * Session locks of one session-enabled queue or subscription: which receiver holds which
 * session, until when, and who waits for the next free session.
 */
import { BrokerError } from '../broker-error.js';

/** One receiver's hold on one session. */
export interface SessionLock {
  readonly sessionId: string;
  readonly ownerId: string;
  lockedUntilMs: number;
  /** Called when the lock expires unrenewed, so the holder's link can be detached. */
  readonly onLost: () => void;
}

/** A receiver waiting for any session with messages (`acceptNextSession`). */
interface SessionWaiter {
  readonly ownerId: string;
  readonly onLost: () => void;
  readonly resolve: (lock: SessionLock | undefined) => void;
}

/**
 * The session-lock table. It knows nothing of messages: the queue asks it who holds a
 * session and tells it when a session has messages for a waiter.
 */
export class SessionLocks {
  private readonly locks = new Map<string, SessionLock>();
  private waiters: SessionWaiter[] = [];

  constructor(
    private readonly entity: string,
    private readonly lockDurationMs: number,
  ) {}

  /** The live lock on `sessionId`, if any. */
  holder(sessionId: string, nowMs = Date.now()): SessionLock | undefined {
    const lock = this.locks.get(sessionId);
    return lock && lock.lockedUntilMs >= nowMs ? lock : undefined;
  }

  /**
   * Locks `sessionId` for `ownerId`.
   * @throws BrokerError SESSION_CANNOT_BE_LOCKED when another receiver holds it.
   */
  acquire(sessionId: string, ownerId: string, onLost: () => void): SessionLock {
    const current = this.holder(sessionId);
    if (current && current.ownerId !== ownerId) {
      throw new BrokerError(
        'SESSION_CANNOT_BE_LOCKED',
        `The session '${sessionId}' of '${this.entity}' is locked by another receiver.`,
      );
    }
    const lock: SessionLock = {
      sessionId,
      ownerId,
      lockedUntilMs: Date.now() + this.lockDurationMs,
      onLost,
    };
    this.locks.set(sessionId, lock);
    return lock;
  }

  /**
   * Extends the lock on `sessionId` by the lock duration and returns the new expiry.
   * @throws BrokerError SESSION_LOCK_LOST when the session is not locked or its lock expired.
   */
  renew(sessionId: string): number {
    const lock = this.holder(sessionId);
    if (!lock) {
      throw new BrokerError(
        'SESSION_LOCK_LOST',
        `The session lock on '${sessionId}' of '${this.entity}' has expired or was never taken.`,
      );
    }
    lock.lockedUntilMs = Date.now() + this.lockDurationMs;
    return lock.lockedUntilMs;
  }

  /** Releases `sessionId` if `ownerId` holds it; returns whether it did. */
  release(sessionId: string, ownerId: string): boolean {
    const lock = this.locks.get(sessionId);
    if (!lock || lock.ownerId !== ownerId) return false;
    this.locks.delete(sessionId);
    return true;
  }

  /** Removes and returns the locks that expired before `nowMs`. */
  takeExpired(nowMs: number): SessionLock[] {
    const expired = [...this.locks.values()].filter((lock) => lock.lockedUntilMs < nowMs);
    for (const lock of expired) this.locks.delete(lock.sessionId);
    return expired;
  }

  /** Queues a receiver for the next session that gets messages; `cancel` withdraws it. */
  wait(
    ownerId: string,
    onLost: () => void,
  ): { lock: Promise<SessionLock | undefined>; cancel: () => void } {
    let waiter: SessionWaiter | undefined;
    const lock = new Promise<SessionLock | undefined>((resolve) => {
      waiter = { ownerId, onLost, resolve };
      this.waiters.push(waiter);
    });
    const cancel = (): void => {
      if (!waiter || !this.waiters.includes(waiter)) return;
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(undefined);
    };
    return { lock, cancel };
  }

  /** Hands the unlocked `sessionId`, which has messages, to the longest waiting receiver. */
  offer(sessionId: string): boolean {
    if (this.holder(sessionId)) return false;
    const waiter = this.waiters.shift();
    if (!waiter) return false;
    waiter.resolve(this.acquire(sessionId, waiter.ownerId, waiter.onLost));
    return true;
  }

  /** Whether any receiver waits for a session. */
  get hasWaiters(): boolean {
    return this.waiters.length > 0;
  }

  /** Ends every wait with no session: the broker is closing. */
  cancelAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w.resolve(undefined));
  }
}
