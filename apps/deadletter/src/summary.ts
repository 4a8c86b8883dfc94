/**
 * The summary report, computed from status records and parked dead letters: per hour,
 * how many messages were received, processed, rejected and dead-lettered (also by message
 * type and by sending facility), the success rate, the average processing time, and the
 * dead letters by category.
 *
 * Definitions: a message counts in an hour for each outcome whose first step falls in it
 * (a redelivery or a second subscription's dead letter is not counted twice); the success
 * rate is processed / (processed + rejected + dead-lettered); the processing time runs
 * from the first `received` step to the first `processed` one and counts in the hour it
 * ended; dead letters by category count parked records by their dead-lettering time, so
 * purged ones are gone from it.
 */
import type {
  DeadLetterCategory,
  MessageStatus,
  ParkedRecord,
  StatusRecord,
} from '@hl7gw/platform';

/** Messages per outcome. */
export interface OutcomeCounts {
  received: number;
  processed: number;
  rejected: number;
  deadLettered: number;
}

/** The figures of one hour, or of the whole window. */
export interface SummaryFigures extends OutcomeCounts {
  /** processed / (processed + rejected + dead-lettered); null when none of those happened. */
  successRate: number | null;
  /** Mean milliseconds from received to processed; null when nothing was processed. */
  averageProcessingMs: number | null;
  /** The counts by MSH-9 (`unknown` when the record has none). */
  byMessageType: Record<string, OutcomeCounts>;
  /** The counts by MSH-4 (`unknown` when the record has none). */
  bySender: Record<string, OutcomeCounts>;
  /** Parked dead letters by category. */
  deadLettersByCategory: Partial<Record<DeadLetterCategory, number>>;
}

/** One hour of the report. */
export interface HourSummary extends SummaryFigures {
  /** The hour's start, ISO 8601 UTC. */
  hour: string;
}

/** The report over a window. */
export interface SummaryReport {
  /** The window's start, ISO 8601 UTC (inclusive). */
  from: string;
  /** The window's end, ISO 8601 UTC (exclusive). */
  to: string;
  /** The whole window. */
  totals: SummaryFigures;
  /** Every hour the window touches, in order, empty ones included. */
  hours: HourSummary[];
}

const HOUR_MS = 3_600_000;
const COUNTED: ReadonlyMap<MessageStatus, keyof OutcomeCounts> = new Map([
  ['received', 'received'],
  ['processed', 'processed'],
  ['rejected', 'rejected'],
  ['dead-lettered', 'deadLettered'],
]);

interface Tally {
  figures: SummaryFigures;
  processingMsTotal: number;
  processingCount: number;
}

/** Builds the report for `[from, to)` from the records found in it. Pure; never throws. */
export function summarise(
  statuses: readonly StatusRecord[],
  parked: readonly ParkedRecord[],
  from: Date,
  to: Date,
): SummaryReport {
  const hours = new Map<number, Tally>();
  for (let start = floorHour(from.getTime()); start < to.getTime(); start += HOUR_MS) {
    hours.set(start, emptyTally());
  }
  const inWindow = (at: number) => at >= from.getTime() && at < to.getTime();
  const tallyAt = (at: number) => hours.get(floorHour(at)) as Tally;

  for (const record of statuses) {
    const firsts = firstSteps(record);
    for (const [status, at] of firsts) {
      const outcome = COUNTED.get(status);
      if (outcome === undefined || !inWindow(at)) continue;
      count(tallyAt(at).figures, record, outcome);
    }

    const received = firsts.get('received');
    const processed = firsts.get('processed');
    if (received !== undefined && processed !== undefined && inWindow(processed)) {
      const tally = tallyAt(processed);
      tally.processingMsTotal += Math.max(0, processed - received);
      tally.processingCount += 1;
    }
  }

  for (const record of parked) {
    const at = Date.parse(record.deadLetteredAt);
    if (!inWindow(at)) continue;
    const categories = tallyAt(at).figures.deadLettersByCategory;
    categories[record.category] = (categories[record.category] ?? 0) + 1;
  }

  const total = emptyTally();
  const hourList: HourSummary[] = [];
  for (const [start, tally] of hours) {
    merge(total, tally);
    hourList.push({ hour: new Date(start).toISOString(), ...finish(tally) });
  }
  return { from: from.toISOString(), to: to.toISOString(), totals: finish(total), hours: hourList };
}

/** The time of the first step of each status a record went through. */
function firstSteps(record: StatusRecord): Map<MessageStatus, number> {
  const firsts = new Map<MessageStatus, number>();
  for (const step of record.history) {
    const at = Date.parse(step.at);
    if (Number.isNaN(at)) continue;
    const seen = firsts.get(step.status);
    if (seen === undefined || at < seen) firsts.set(step.status, at);
  }
  return firsts;
}

function count(figures: SummaryFigures, record: StatusRecord, outcome: keyof OutcomeCounts) {
  figures[outcome] += 1;
  bump(figures.byMessageType, record.messageType || 'unknown', outcome, 1);
  bump(figures.bySender, record.sendingFacility || 'unknown', outcome, 1);
}

function bump(
  groups: Record<string, OutcomeCounts>,
  key: string,
  outcome: keyof OutcomeCounts,
  by: number,
) {
  const counts = (groups[key] ??= zeroCounts());
  counts[outcome] += by;
}

function merge(into: Tally, from: Tally): void {
  const target = into.figures;
  const source = from.figures;
  for (const outcome of COUNTED.values()) target[outcome] += source[outcome];
  for (const [groups, more] of [
    [target.byMessageType, source.byMessageType],
    [target.bySender, source.bySender],
  ] as const) {
    for (const [key, counts] of Object.entries(more)) {
      for (const outcome of COUNTED.values()) bump(groups, key, outcome, counts[outcome]);
    }
  }
  for (const [category, n] of Object.entries(source.deadLettersByCategory)) {
    const key = category as DeadLetterCategory;
    target.deadLettersByCategory[key] = (target.deadLettersByCategory[key] ?? 0) + n;
  }
  into.processingMsTotal += from.processingMsTotal;
  into.processingCount += from.processingCount;
}

function finish(tally: Tally): SummaryFigures {
  const { figures } = tally;
  const outcomes = figures.processed + figures.rejected + figures.deadLettered;
  return {
    ...figures,
    successRate: outcomes === 0 ? null : round(figures.processed / outcomes, 4),
    averageProcessingMs:
      tally.processingCount === 0
        ? null
        : round(tally.processingMsTotal / tally.processingCount, 1),
  };
}

function emptyTally(): Tally {
  return {
    figures: {
      ...zeroCounts(),
      successRate: null,
      averageProcessingMs: null,
      byMessageType: {},
      bySender: {},
      deadLettersByCategory: {},
    },
    processingMsTotal: 0,
    processingCount: 0,
  };
}

function zeroCounts(): OutcomeCounts {
  return { received: 0, processed: 0, rejected: 0, deadLettered: 0 };
}

function floorHour(epochMs: number): number {
  return Math.floor(epochMs / HOUR_MS) * HOUR_MS;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
