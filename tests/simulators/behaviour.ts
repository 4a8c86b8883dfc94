/**
 * How a simulator misbehaves on purpose, scripted by a test: a delay before answering, a
 * share of requests that fail, an outage (for a while or until lifted), and responses
 * forced for the next requests. One `Behaviour` per simulator; `decide()` is called once per
 * request and says what to do with it.
 */

/** What a test can set. Every field is optional in `update`. */
export interface Script {
  /** Milliseconds to wait before answering each request. */
  delayMs: number;
  /** Share of requests (0 to 1) that fail as the simulator's kind of transient failure. */
  failureRate: number;
  /** Down: every request fails until `downUntilMs` (epoch ms) or until `restore()`. */
  down: boolean;
  /** When a timed outage ends; undefined for one lifted by hand. */
  downUntilMs?: number;
}

/** The decision for one request. */
export type Decision<F> =
  | { kind: 'normal' }
  | { kind: 'fail'; reason: 'outage' | 'random' }
  | { kind: 'forced'; response: F };

/** A simulator's scripted behaviour, with forced responses of type `F`. */
export class Behaviour<F> {
  #script: Script = { delayMs: 0, failureRate: 0, down: false };
  readonly #forced: F[] = [];
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** The current script. */
  get script(): Readonly<Script> {
    return this.#script;
  }

  /** Changes part of the script. */
  update(changes: Partial<Script>): void {
    this.#script = { ...this.#script, ...changes };
  }

  /** Goes down for `forMs` milliseconds, or until `restore()` when absent. */
  outage(forMs?: number): void {
    this.update({ down: true, downUntilMs: forMs === undefined ? undefined : Date.now() + forMs });
  }

  /** Ends an outage. */
  restore(): void {
    this.update({ down: false, downUntilMs: undefined });
  }

  /** Answers the next requests with `responses`, one each, before the script applies again. */
  force(...responses: F[]): void {
    this.#forced.push(...responses);
  }

  /** Back to a well-behaved simulator. */
  reset(): void {
    this.#script = { delayMs: 0, failureRate: 0, down: false };
    this.#forced.length = 0;
  }

  /** What to do with the request arriving now. */
  decide(): Decision<F> {
    const forced = this.#forced.shift();
    if (forced !== undefined) return { kind: 'forced', response: forced };

    const { down, downUntilMs, failureRate } = this.#script;
    if (down && downUntilMs !== undefined && Date.now() >= downUntilMs) this.restore();
    if (this.#script.down) return { kind: 'fail', reason: 'outage' };
    if (failureRate > 0 && this.#random() < failureRate) return { kind: 'fail', reason: 'random' };
    return { kind: 'normal' };
  }

  /** Waits the scripted delay. */
  async delay(): Promise<void> {
    const { delayMs } = this.#script;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}
