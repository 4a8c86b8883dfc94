/**
 * Interleaved throughput measurement: every round gives each contender one time slice, in
 * an order that rotates from round to round, so drift in the machine (other processes,
 * thermal limits, JIT tiers) touches all contenders alike. The figure kept is the median.
 */

/** Something to time: one call does `messagesPerCall` messages' worth of work. */
export interface Contender {
  readonly name: string;
  readonly messagesPerCall: number;
  /** Does the work; returns a number that depends on it so it cannot be optimised away. */
  run(): number;
}

/** How long and how often to measure. */
export interface MeasureOptions {
  readonly warmupRounds: number;
  readonly rounds: number;
  readonly sliceMs: number;
}

/** The rates of one contender, one per measured round, in messages per second. */
export interface Rates {
  readonly name: string;
  readonly perRound: number[];
  /** The first error the contender threw, after which it was left out. */
  error?: Error;
}

const collectGarbage = (globalThis as { gc?: () => void }).gc;

/** Whether `node --expose-gc` made `gc()` available, so slices start from a clean heap. */
export const gcBetweenSlices = typeof collectGarbage === 'function';

let sink = 0;

/** The accumulated results of every run, printed so the work is observably used. */
export function checksum(): number {
  return sink;
}

function slice(contender: Contender, sliceMs: number): number {
  collectGarbage?.();
  let messages = 0;
  const started = performance.now();
  let elapsedMs = 0;
  do {
    sink = (sink + contender.run()) | 0;
    messages += contender.messagesPerCall;
    elapsedMs = performance.now() - started;
  } while (elapsedMs < sliceMs);
  return (messages * 1000) / elapsedMs;
}

/**
 * Runs warm-up rounds, then `rounds` measured rounds of one slice per contender. Round `r`
 * starts with contender `r mod n`. A contender that throws is dropped from later rounds.
 */
export function measure(contenders: readonly Contender[], options: MeasureOptions): Rates[] {
  const rates: Rates[] = contenders.map((c) => ({ name: c.name, perRound: [] }));
  const total = options.warmupRounds + options.rounds;
  for (let round = 0; round < total; round++) {
    const warmup = round < options.warmupRounds;
    for (let k = 0; k < contenders.length; k++) {
      const index = (round + k) % contenders.length;
      const contender = contenders[index] as Contender;
      const rate = rates[index] as Rates;
      if (rate.error) continue;
      try {
        const perSecond = slice(contender, options.sliceMs);
        if (!warmup) rate.perRound.push(perSecond);
      } catch (error) {
        rate.error = error instanceof Error ? error : new Error(String(error));
      }
    }
  }
  return rates;
}

/** The median of `values`; NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
