/**
 * Time as a dependency: handlers ask a `Clock` for the time, so tests can set it.
 */

/** A source of the current time. */
export interface Clock {
  /** The current time; a new `Date` on every call. */
  now(): Date;
}

/** The real clock, reading the system time. */
export const systemClock: Clock = {
  now: () => new Date(),
};

/** A clock for tests: it stands still until told to move. */
export class TestClock implements Clock {
  #epochMs: number;

  /** Starts at `start` (an ISO string or `Date`), or at the Unix epoch. */
  constructor(start: Date | string = new Date(0)) {
    this.#epochMs = new Date(start).getTime();
  }

  /** The time the clock stands at. */
  now(): Date {
    return new Date(this.#epochMs);
  }

  /** Moves the clock to `time`. */
  set(time: Date | string): void {
    this.#epochMs = new Date(time).getTime();
  }

  /** Moves the clock forward by `durationMs` (backward when negative). */
  advance(durationMs: number): void {
    this.#epochMs += durationMs;
  }
}
