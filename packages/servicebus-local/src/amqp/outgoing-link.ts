/**
 * A client's receiver link, which the broker serves as an AMQP sender: it hands out messages
 * while the link has credit, honours drain, and applies the client's dispositions.
 */
import type { Delivery, EventContext, Sender } from 'rhea';

import { toAmqpError } from '../broker-error.js';
import type { Consumer, MessageQueue, ReceiveMode } from '../entities/message-queue.js';
import { lockTokenToDeliveryTag } from './lock-token.js';
import { encodeForClient } from './message-codec.js';
import {
  allWritten,
  completeDrain,
  isDraining,
  outcomes,
  remainingCredit,
  settleFinally,
} from './rhea-internals.js';

/** The error condition with which the client asks for a dead-letter. */
const DEAD_LETTER_CONDITION = 'com.microsoft:dead-letter';

/** An outcome the client sent, unwrapped by rhea. */
interface Outcome {
  error?: { condition?: string; description?: string; info?: Record<string, unknown> };
  undeliverable_here?: boolean;
  message_annotations?: Record<string, unknown>;
}

/**
 * The outcome the broker settles with once it applied the client's. It never carries an error:
 * the client reads an error in the broker's outcome as a failed settlement.
 */
function echo(kind: string, outcome: Outcome): unknown {
  if (kind === 'released') return outcomes.released();
  if (kind === 'modified')
    return outcomes.modified({ undeliverable_here: outcome.undeliverable_here });
  return outcomes.accepted();
}

/**
 * Serves one receiver link on one queue (or one session of it). Messages go out in sequence
 * order while the client grants credit.
 */
export class OutgoingLink implements Consumer {
  private readonly lockTokens = new WeakMap<Delivery, string>();
  private closed = false;
  /** Deliveries queued on the link since it opened. */
  private queued = 0;

  constructor(
    private readonly sender: Sender,
    private readonly queue: MessageQueue,
    private readonly mode: ReceiveMode,
    /** The owner id of the session lock, when the link serves one session. */
    private readonly session: { sessionId: string; ownerId: string } | undefined,
  ) {
    queue.addConsumer(this);
  }

  /** Sends what is available while credit lasts. */
  wake(): void {
    if (this.closed || !this.sender.is_open()) return;
    const sessionLock = this.session && this.queue.sessions?.holder(this.session.sessionId);
    if (this.session && sessionLock?.ownerId !== this.session.ownerId) return;

    while (this.sender.sendable() && remainingCredit(this.sender, this.queued) > 0) {
      const taken = this.queue.take(this.mode, this.session?.sessionId, sessionLock?.lockedUntilMs);
      if (!taken) break;
      const { message, lock } = taken;
      const tag = lock
        ? lockTokenToDeliveryTag(lock.token)
        : Buffer.from(String(message.sequenceNumber));
      const delivery = this.sender.send(encodeForClient(message, lock?.lockedUntilMs), tag, 0);
      this.queued += 1;
      if (lock) this.lockTokens.set(delivery, lock.token);
    }
  }

  /**
   * The client asked to drain: send what is available, then give back the rest of the credit
   * with a drained flow, which the client waits for even when no credit is left.
   */
  drain(): void {
    this.wake();
    // A flow that arrived meanwhile without drain replaced the request.
    if (this.closed || !this.sender.is_open() || !isDraining(this.sender)) return;
    // Ending the drain spends all of rhea's credit, so first let queued deliveries be written.
    if (!allWritten(this.sender, this.queued)) {
      setImmediate(() => this.drain());
      return;
    }
    // The credit given back counts as used, or the next grant would look larger than it is and
    // `wake` would lock messages the client never asked for.
    this.queued += completeDrain(this.sender);
  }

  /** Applies a disposition the client sent for one of this link's deliveries. */
  settle(context: EventContext, kind: 'accepted' | 'rejected' | 'released' | 'modified'): void {
    const delivery = context.delivery;
    if (!delivery) return;
    const token = this.lockTokens.get(delivery);
    if (token === undefined) {
      settleFinally(delivery, outcomes.released());
      return;
    }
    this.lockTokens.delete(delivery);

    const outcome = (delivery.remote_state ?? {}) as Outcome;
    let applied: Promise<void>;
    try {
      applied = this.apply(token, kind, outcome);
    } catch (error) {
      applied = Promise.reject(error);
    }
    applied.then(
      () => settleFinally(delivery, echo(kind, outcome)),
      (error: unknown) => settleFinally(delivery, outcomes.rejected(toAmqpError(error))),
    );
  }

  /** Stops serving; a session link gives its session back. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.removeConsumer(this);
    if (this.session) this.queue.releaseSession(this.session.sessionId, this.session.ownerId);
  }

  /** Detaches the link because its session lock expired. */
  sessionLost(): void {
    if (this.closed) return;
    this.sender.close({
      condition: 'com.microsoft:session-lock-lost',
      description: `The session lock has expired on the session with id ${this.session?.sessionId}.`,
    });
    this.close();
  }

  private apply(token: string, kind: string, outcome: Outcome): Promise<void> {
    switch (kind) {
      case 'accepted':
        return this.queue.complete(token);
      case 'released':
        this.queue.release(token);
        return Promise.resolve();
      case 'modified':
        return outcome.undeliverable_here
          ? this.queue.defer(token, outcome.message_annotations)
          : this.queue.abandon(token, outcome.message_annotations);
      default: {
        const { error } = outcome;
        if (error?.condition === DEAD_LETTER_CONDITION) {
          const { DeadLetterReason, DeadLetterErrorDescription, ...properties } = error.info ?? {};
          return this.queue.deadLetter(token, {
            reason: DeadLetterReason as string | undefined,
            description: DeadLetterErrorDescription as string | undefined,
            properties,
          });
        }
        return this.queue.deadLetter(token, {
          reason: error?.condition,
          description: error?.description,
        });
      }
    }
  }
}
