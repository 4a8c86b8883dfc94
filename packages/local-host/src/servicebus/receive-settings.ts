/**
 * How a host receives for its Service Bus triggers, with the Functions Service Bus
 * extension's knobs under their host.json meanings.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Receive settings shared by every Service Bus trigger of a host. */
export interface ReceiveSettings {
  /** Messages one non-session trigger handles at once (`maxConcurrentCalls`). */
  maxConcurrentCalls: number;
  /** Sessions one session trigger holds at once, one message at a time each (`maxConcurrentSessions`). */
  maxConcurrentSessions: number;
  /** How long a message or session lock is renewed while a handler runs (`maxAutoLockRenewalDuration`). */
  maxAutoLockRenewalDurationMs: number;
  /**
   * How long one receive on a held session waits for the session's next message; when it
   * returns empty the session is released (`sessionIdleTimeout`).
   */
  sessionIdleTimeoutMs: number;
  /** How long one receive call waits for messages; also bounds how long stop waits for it. */
  receiveWaitMs: number;
  /**
   * How long one `acceptNextSession` waits for a session. It is the session client's
   * operation timeout, which the broker honours; the client's abort signal does not end
   * a pending accept, so this also bounds how long stop waits for one.
   */
  sessionAcceptWaitMs: number;
}

/**
 * The host's default `sessionIdleTimeoutMs`. A session is released as soon as one receive
 * has waited this long without a message: long enough for a message already queued for the
 * session (or in flight to it) to arrive, short enough that a patient with one message does
 * not keep a session slot while other sessions have messages waiting. host.json's
 * `sessionIdleTimeout` is the same setting in Azure.
 */
export const DEFAULT_SESSION_IDLE_TIMEOUT_MS = 100;

/** A running trigger listener. */
export interface TriggerPump {
  /** Starts receiving; returns at once. */
  start(): void;
  /** Stops receiving, finishes the messages in hand, settles them, and closes its receivers. */
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 30_000;

/** Doubling back-off after receive errors, reset on success; waits end early on `signal`. */
export class Backoff {
  #delayMs: number;

  constructor(private readonly initialMs: number = 500) {
    this.#delayMs = initialMs;
  }

  /** Waits the current delay (or until `signal` aborts), then doubles it. */
  async wait(signal: AbortSignal): Promise<void> {
    const delayMs = this.#delayMs;
    this.#delayMs = Math.min(delayMs * 2, MAX_BACKOFF_MS);
    await sleep(delayMs, undefined, { signal }).catch(() => undefined);
  }

  /** Back to the initial delay. */
  reset(): void {
    this.#delayMs = this.initialMs;
  }
}
