/**
 * The state a session receiver keeps with its session (`setSessionState`), durable.
 */
import type { MessageStore } from '../store/message-store.js';

/** Session state of one session-enabled queue or subscription. */
export class SessionStates {
  private readonly states = new Map<string, Buffer>();

  constructor(
    private readonly entity: string,
    private readonly store: MessageStore,
  ) {}

  /** Adds a state read back from the store. */
  restore(sessionId: string, state: Buffer): void {
    this.states.set(sessionId, state);
  }

  /** The session's state, or undefined when none was set. */
  get(sessionId: string): Buffer | undefined {
    return this.states.get(sessionId);
  }

  /** Sets (or with `undefined`, clears) the session's state; settles once durable. */
  set(sessionId: string, state: Buffer | undefined): Promise<void> {
    if (state === undefined) this.states.delete(sessionId);
    else this.states.set(sessionId, state);
    return this.store.setSessionState(this.entity, sessionId, state);
  }
}
