/**
 * A circuit breaker per destination, so that one dead EHR does not hold the processor's
 * workers on timeouts. Closed: calls go through, consecutive failures are counted. Open
 * (after `failureThreshold` of them): no call goes through until `coolDownMs` has passed.
 * Half-open: one trial call goes through; its success closes the circuit, its failure opens
 * it for another cool-down. While the circuit refuses, results are rescheduled, not dropped.
 *
 * State is per process: each processor instance learns a destination's health on its own.
 */

/** The breaker's state. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** What the breaker says about a call now. */
export type CircuitDecision =
  { allowed: true; trial: boolean } | { allowed: false; retryAtMs: number };

/** The breaker's thresholds. */
export interface BreakerPolicy {
  /** Consecutive failures that open the circuit. */
  breakerFailureThreshold: number;
  /** How long the circuit stays open before a trial. */
  breakerCoolDownMs: number;
}

/** One destination's circuit breaker. Times are epoch milliseconds passed in by the caller. */
export class CircuitBreaker {
  readonly #policy: BreakerPolicy;
  #failures = 0;
  #openedAtMs: number | undefined;
  #trialInFlight = false;

  constructor(policy: BreakerPolicy) {
    this.#policy = policy;
  }

  /** The state at `nowMs`. */
  state(nowMs: number): CircuitState {
    if (this.#openedAtMs === undefined) return 'closed';
    return nowMs - this.#openedAtMs >= this.#policy.breakerCoolDownMs ? 'half-open' : 'open';
  }

  /** Asks to make a call at `nowMs`; a granted trial must be followed by a success or failure. */
  request(nowMs: number): CircuitDecision {
    const state = this.state(nowMs);
    if (state === 'closed') return { allowed: true, trial: false };

    const reopensAtMs = (this.#openedAtMs as number) + this.#policy.breakerCoolDownMs;
    if (state === 'open') return { allowed: false, retryAtMs: reopensAtMs };
    // Half-open lets one trial through; the rest wait about one more cool-down.
    if (this.#trialInFlight) {
      return { allowed: false, retryAtMs: nowMs + this.#policy.breakerCoolDownMs };
    }
    this.#trialInFlight = true;
    return { allowed: true, trial: true };
  }

  /** Records a call that reached the destination and got an answer (even a rejection). */
  success(): void {
    this.#failures = 0;
    this.#openedAtMs = undefined;
    this.#trialInFlight = false;
  }

  /**
   * Records a call that failed transiently at `nowMs` (`trial`: the call was the half-open
   * trial); returns true when this opened the circuit.
   */
  failure(nowMs: number, trial = false): boolean {
    if (trial) {
      this.#trialInFlight = false;
      this.#openedAtMs = nowMs;
      return true;
    }
    this.#failures += 1;
    const opens = this.#openedAtMs === undefined;
    if (opens && this.#failures >= this.#policy.breakerFailureThreshold) {
      this.#openedAtMs = nowMs;
      return true;
    }
    return false;
  }
}
