/**
 * One receivable entity: a queue, a topic subscription, or the dead-letter queue of either.
 * It holds the messages in memory (the store holds them durably), hands them out in sequence
 * order under peek-lock or receive-and-delete, and applies every settlement.
 */
import { BrokerError } from '../broker-error.js';
import type { MessageStore } from '../store/message-store.js';
import { withApplicationProperties } from '../amqp/message-codec.js';
import type { BrokerMessage } from './broker-message.js';
import { deadLetterCopy } from './dead-letter-copy.js';
import { MessageLocks, type MessageLock } from './message-locks.js';
import {
  MAX_DELIVERY_COUNT_EXCEEDED,
  TTL_EXPIRED,
  type Consumer,
  type DeadLetterDetails,
  type QueueSettings,
  type ReceiveMode,
  type Taken,
} from './queue-types.js';
import { ReadyIndex } from './ready-index.js';
import { SessionLocks, type SessionLock } from './session-locks.js';
import { SessionStates } from './session-states.js';

export type * from './queue-types.js';

/** The group key of messages in an entity without sessions. */
const NO_SESSION = '';

/**
 * A queue's in-memory state. Mutations apply at once in memory and are staged in the store;
 * the promise a settlement returns settles once the change is durable.
 */
export class MessageQueue {
  private readonly messages = new Map<number, BrokerMessage>();
  private readonly ready: ReadyIndex;
  private readonly locks: MessageLocks;
  private readonly scheduled = new Set<number>();
  private readonly consumers = new Set<Consumer>();
  private lastSequenceNumber = 0;
  /** Present on session-enabled entities only. */
  readonly sessions: SessionLocks | undefined;
  /** The state receivers keep with each session. */
  readonly sessionStates: SessionStates;

  constructor(
    /** The canonical path, lower case. */
    readonly path: string,
    readonly settings: QueueSettings,
    private readonly store: MessageStore,
    /** Absent on a dead-letter queue, whose messages never expire or move on. */
    readonly deadLetterQueue: MessageQueue | undefined,
    private readonly onStoreError: (error: unknown) => void,
  ) {
    this.sessions = settings.requiresSession
      ? new SessionLocks(path, settings.lockDurationMs)
      : undefined;
    this.sessionStates = new SessionStates(path, store);
    this.locks = new MessageLocks(path);
    this.ready = new ReadyIndex((n) => {
      const message = this.messages.get(n);
      return message?.state === 'active' && !this.locks.isLocked(n);
    });
  }

  /** Sets the last sequence number handed out, read back from the store. */
  restoreSequence(lastSequenceNumber: number): void {
    this.lastSequenceNumber = Math.max(this.lastSequenceNumber, lastSequenceNumber);
  }

  /** The next sequence number; the caller stores a message under it. */
  allocateSequenceNumber(): number {
    this.lastSequenceNumber += 1;
    return this.lastSequenceNumber;
  }

  /** Makes a stored message part of the queue: at start-up, or once its insert is durable. */
  add(message: BrokerMessage): void {
    this.messages.set(message.sequenceNumber, message);
    this.lastSequenceNumber = Math.max(this.lastSequenceNumber, message.sequenceNumber);
    if (message.state === 'scheduled') this.scheduled.add(message.sequenceNumber);
    if (message.state === 'active') this.makeAvailable(message);
  }

  /** Registers a receiver link to wake on new messages. */
  addConsumer(consumer: Consumer): void {
    this.consumers.add(consumer);
  }

  /** Unregisters a receiver link. */
  removeConsumer(consumer: Consumer): void {
    this.consumers.delete(consumer);
  }

  /**
   * Takes the next available message (of `sessionId` on a session entity): under peek-lock it
   * is locked and stays; under receive-and-delete it is removed.
   */
  take(mode: ReceiveMode, sessionId?: string, lockedUntilMs?: number): Taken | undefined {
    const message = this.nextAvailable(sessionId ?? NO_SESSION);
    if (!message) return undefined;

    if (mode === 'receiveAndDelete') {
      this.forget(message);
      this.persist(this.store.remove(this.path, message.sequenceNumber));
      return { message, lock: undefined };
    }
    return { message, lock: this.lock(message, lockedUntilMs) };
  }

  /**
   * Settles a locked message as completed: it leaves the queue.
   * @throws BrokerError MESSAGE_LOCK_LOST when the lock is unknown or expired.
   */
  complete(token: string): Promise<void> {
    const { message } = this.liveLock(token);
    this.unlock(token);
    this.forget(message);
    return this.store.remove(this.path, message.sequenceNumber);
  }

  /**
   * Returns a locked message to the queue with its delivery count raised by one; at the
   * entity's max delivery count it is dead-lettered instead.
   * @throws BrokerError MESSAGE_LOCK_LOST when the lock is unknown or expired.
   */
  abandon(token: string, properties?: Record<string, unknown>): Promise<void> {
    const { message } = this.liveLock(token);
    this.unlock(token);
    if (properties) message.payload = withApplicationProperties(message.payload, properties);
    return this.failDelivery(message);
  }

  /**
   * Returns a locked message to the queue without counting a delivery (AMQP `released`).
   * @throws BrokerError MESSAGE_LOCK_LOST when the lock is unknown or expired.
   */
  release(token: string): void {
    const { message } = this.liveLock(token);
    this.unlock(token);
    if (message.state === 'active') this.makeAvailable(message);
  }

  /**
   * Sets a locked message aside: it is received again only by sequence number.
   * @throws BrokerError MESSAGE_LOCK_LOST when the lock is unknown or expired.
   */
  defer(token: string, properties?: Record<string, unknown>): Promise<void> {
    const { message } = this.liveLock(token);
    this.unlock(token);
    message.state = 'deferred';
    if (properties) message.payload = withApplicationProperties(message.payload, properties);
    return this.store.update(message);
  }

  /**
   * Moves a locked message to the dead-letter queue with a reason and description.
   * @throws BrokerError MESSAGE_LOCK_LOST when the lock is unknown or expired.
   */
  deadLetter(token: string, details: DeadLetterDetails): Promise<void> {
    const { message } = this.liveLock(token);
    this.unlock(token);
    return this.moveToDeadLetter(message, details);
  }

  /**
   * Extends a message lock by the entity's lock duration and returns the new expiry.
   * @throws BrokerError MESSAGE_LOCK_LOST when the lock is unknown or expired.
   */
  renewLock(token: string): number {
    const { lock } = this.liveLock(token);
    lock.lockedUntilMs = Date.now() + this.settings.lockDurationMs;
    return lock.lockedUntilMs;
  }

  /**
   * Receives deferred messages by sequence number: locked under peek-lock, removed under
   * receive-and-delete.
   * @throws BrokerError MESSAGE_NOT_FOUND when a number names no deferred message.
   */
  receiveDeferred(sequenceNumbers: number[], mode: ReceiveMode): Taken[] {
    const messages = sequenceNumbers.map((sequenceNumber) => {
      const message = this.messages.get(sequenceNumber);
      if (!message || message.state !== 'deferred' || this.locks.isLocked(sequenceNumber)) {
        throw new BrokerError(
          'MESSAGE_NOT_FOUND',
          `No deferred message with sequence number ${sequenceNumber} in '${this.path}'.`,
        );
      }
      return message;
    });

    return messages.map((message) => {
      if (mode === 'receiveAndDelete') {
        this.forget(message);
        this.persist(this.store.remove(this.path, message.sequenceNumber));
        return { message, lock: undefined };
      }
      return { message, lock: this.lock(message) };
    });
  }

  /** Up to `count` messages from `fromSequenceNumber` on, in every state, without locking. */
  peek(fromSequenceNumber: number, count: number, sessionId?: string): BrokerMessage[] {
    const numbers = [...this.messages.keys()]
      .filter((n) => n >= fromSequenceNumber)
      .sort((a, b) => a - b);
    const found: BrokerMessage[] = [];
    for (const n of numbers) {
      const message = this.messages.get(n)!;
      if (sessionId !== undefined && message.sessionId !== sessionId) continue;
      found.push(message);
      if (found.length >= count) break;
    }
    return found;
  }

  /**
   * Removes scheduled messages before they become active.
   * @throws BrokerError MESSAGE_NOT_FOUND when a number names no scheduled message.
   */
  cancelScheduled(sequenceNumbers: number[]): Promise<void> {
    const writes = sequenceNumbers.map((n) => {
      const message = this.messages.get(n);
      if (!message || message.state !== 'scheduled') {
        throw new BrokerError(
          'MESSAGE_NOT_FOUND',
          `No scheduled message with sequence number ${n} in '${this.path}'.`,
        );
      }
      this.forget(message);
      return this.store.remove(this.path, n);
    });
    return Promise.all(writes).then(() => undefined);
  }

  /**
   * Locks a session for a receiver (`acceptSession`), and returns the lock.
   * @throws BrokerError SESSION_CANNOT_BE_LOCKED when another receiver holds it.
   */
  acceptSession(sessionId: string, ownerId: string, onLost: () => void): SessionLock {
    return this.requireSessions().acquire(sessionId, ownerId, onLost);
  }

  /**
   * Locks the unlocked session whose oldest available message is oldest
   * (`acceptNextSession`), or waits up to `timeoutMs` for one to get messages.
   */
  async acceptNextSession(
    ownerId: string,
    onLost: () => void,
    timeoutMs: number,
  ): Promise<SessionLock | undefined> {
    const sessions = this.requireSessions();
    const sessionId = this.ready.oldestGroup((group) => !sessions.holder(group));
    if (sessionId !== undefined) return sessions.acquire(sessionId, ownerId, onLost);

    const waiting = sessions.wait(ownerId, onLost);
    const timer = setTimeout(waiting.cancel, timeoutMs);
    timer.unref();
    const lock = await waiting.lock;
    clearTimeout(timer);
    return lock;
  }

  /**
   * Extends a session lock, and the locks of its messages, and returns the new expiry.
   * @throws BrokerError SESSION_LOCK_LOST when the session is not locked.
   */
  renewSessionLock(sessionId: string): number {
    const lockedUntilMs = this.requireSessions().renew(sessionId);
    for (const lock of this.locks.all()) {
      if (lock.sessionId === sessionId) lock.lockedUntilMs = lockedUntilMs;
    }
    return lockedUntilMs;
  }

  /**
   * Releases a session when its receiver detaches: its locked messages return to the queue
   * with their delivery count raised, as after a lock expiry.
   */
  releaseSession(sessionId: string, ownerId: string): void {
    if (!this.sessions?.release(sessionId, ownerId)) return;
    this.failSessionLocks(sessionId);
    this.offerSession(sessionId);
  }

  /**
   * Applies the passage of time: expired message and session locks count as failed
   * deliveries, due scheduled messages become active, and expired messages are dead-lettered
   * or dropped.
   */
  sweep(nowMs: number): void {
    for (const lock of this.locks.all()) {
      // A session's message locks end with the session lock, handled below.
      if (!this.sessions && lock.lockedUntilMs < nowMs) this.expireLock(lock);
    }
    for (const lost of this.sessions?.takeExpired(nowMs) ?? []) {
      this.failSessionLocks(lost.sessionId);
      lost.onLost();
      this.offerSession(lost.sessionId);
    }

    for (const n of [...this.scheduled]) {
      const message = this.messages.get(n);
      if (!message || (message.scheduledAtMs ?? 0) > nowMs) continue;
      this.scheduled.delete(n);
      message.state = 'active';
      this.persist(this.store.update(message));
      this.makeAvailable(message);
    }

    if (!this.deadLetterQueue) return;
    for (const message of [...this.messages.values()]) {
      if (this.isExpired(message, nowMs) && !this.locks.isLocked(message.sequenceNumber)) {
        this.expire(message);
      }
    }
  }

  private nextAvailable(group: string): BrokerMessage | undefined {
    const now = Date.now();
    for (let n = this.ready.pop(group); n !== undefined; n = this.ready.pop(group)) {
      const message = this.messages.get(n)!;
      if (!this.isExpired(message, now)) return message;
      this.expire(message);
    }
    return undefined;
  }

  private lock(message: BrokerMessage, lockedUntilMs?: number): MessageLock {
    return this.locks.lock(
      message.sequenceNumber,
      this.sessions ? message.sessionId : undefined,
      lockedUntilMs ?? Date.now() + this.settings.lockDurationMs,
    );
  }

  private liveLock(token: string): { lock: MessageLock; message: BrokerMessage } {
    const lock = this.locks.live(token);
    const message = this.messages.get(lock.sequenceNumber);
    if (message) return { lock, message };
    this.locks.unlock(token);
    // The message left while locked; with its lock gone this now throws MESSAGE_LOCK_LOST.
    return this.liveLock(token);
  }

  private unlock(token: string): void {
    this.locks.unlock(token);
  }

  private expireLock(lock: MessageLock): void {
    this.unlock(lock.token);
    const message = this.messages.get(lock.sequenceNumber);
    if (message) this.persist(this.failDelivery(message));
  }

  private failSessionLocks(sessionId: string): void {
    for (const lock of this.locks.all()) {
      if (lock.sessionId === sessionId) this.expireLock(lock);
    }
  }

  private failDelivery(message: BrokerMessage): Promise<void> {
    message.deliveryCount += 1;
    if (this.deadLetterQueue && message.deliveryCount >= this.settings.maxDeliveryCount) {
      return this.moveToDeadLetter(message, {
        reason: MAX_DELIVERY_COUNT_EXCEEDED,
        description: `Message could not be consumed after ${this.settings.maxDeliveryCount} delivery attempts.`,
      });
    }
    if (message.state === 'active') this.makeAvailable(message);
    return this.store.update(message);
  }

  private isExpired(message: BrokerMessage, nowMs: number): boolean {
    return (
      this.deadLetterQueue !== undefined &&
      message.state !== 'scheduled' &&
      message.expiresAtMs !== undefined &&
      message.expiresAtMs <= nowMs
    );
  }

  private expire(message: BrokerMessage): void {
    if (this.settings.deadLetteringOnMessageExpiration) {
      this.persist(
        this.moveToDeadLetter(message, {
          reason: TTL_EXPIRED,
          description: 'The message expired and was dead lettered.',
        }),
      );
      return;
    }
    this.forget(message);
    this.persist(this.store.remove(this.path, message.sequenceNumber));
  }

  private moveToDeadLetter(message: BrokerMessage, details: DeadLetterDetails): Promise<void> {
    this.forget(message);
    const removed = this.store.remove(this.path, message.sequenceNumber);
    const target = this.deadLetterQueue;
    if (!target) return removed;

    const moved = deadLetterCopy(message, target.path, target.allocateSequenceNumber(), details);
    target.add(moved);
    return Promise.all([removed, this.store.insert(moved)]).then(() => undefined);
  }

  private forget(message: BrokerMessage): void {
    this.messages.delete(message.sequenceNumber);
    this.scheduled.delete(message.sequenceNumber);
  }

  private makeAvailable(message: BrokerMessage): void {
    const group = this.sessions ? (message.sessionId ?? NO_SESSION) : NO_SESSION;
    this.ready.push(group, message.sequenceNumber);
    if (this.sessions) this.offerSession(group);
    this.consumers.forEach((consumer) => consumer.wake());
  }

  private offerSession(sessionId: string): void {
    if (!this.sessions?.hasWaiters || this.ready.head(sessionId) === undefined) return;
    this.sessions.offer(sessionId);
  }

  private requireSessions(): SessionLocks {
    if (!this.sessions) {
      throw new BrokerError('NOT_ALLOWED', `'${this.path}' does not require sessions.`);
    }
    return this.sessions;
  }

  private persist(write: Promise<void>): void {
    write.catch(this.onStoreError);
  }
}
