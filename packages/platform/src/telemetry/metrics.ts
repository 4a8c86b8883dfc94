/**
 * The gateway's business and operational metrics: the names of DESIGN "Metrics" (a
 * contract that dashboards and alerts query), their attributes, and one instrument per
 * name on an OpenTelemetry `Meter`. Attribute values are codes and MSH header fields
 * (message type, sending facility), never patient data.
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';

/** Every metric name the code emits, by role. Monitoring queries may use only these. */
export const METRIC_NAMES = {
  received: 'hl7gw.messages.received',
  rejected: 'hl7gw.messages.rejected',
  processed: 'hl7gw.messages.processed',
  processingDuration: 'hl7gw.processing.duration',
  endToEndDuration: 'hl7gw.end_to_end.duration',
  deadLetters: 'hl7gw.deadletters',
  deliveries: 'hl7gw.deliveries',
  replays: 'hl7gw.replays',
  batchSize: 'hl7gw.batch.size',
  busLag: 'hl7gw.bus.lag',
} as const;

/** One of `METRIC_NAMES`. */
export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

/** The attribute names metrics carry (DESIGN "Metrics"), plus the bus entity for the lag. */
export const METRIC_ATTRIBUTES = {
  messageType: 'messageType',
  sendingFacility: 'sendingFacility',
  outcome: 'outcome',
  category: 'category',
  code: 'code',
  entity: 'entity',
  destination: 'destination',
} as const;

/** Attribute values a metric may carry; absent ones are left out. */
export interface MetricAttributes {
  /** MSH-9 as `ORU^R01`. */
  messageType?: string;
  /** MSH-4. */
  sendingFacility?: string;
  /** What became of the message: `queued`, `duplicate`, `published`, `dead-lettered`, ... */
  outcome?: string;
  /** A dead-letter category. */
  category?: string;
  /** A gateway error code. */
  code?: string;
  /** The bus entity (for `hl7gw.bus.lag`). */
  entity?: string;
  /** The downstream destination's configured name (for `hl7gw.deliveries`). */
  destination?: string;
}

/**
 * Histogram bucket bounds in milliseconds, fine enough for a P95 near the 2,000 ms target
 * and wide enough for a bus lag of minutes.
 */
export const DURATION_BUCKETS_MS: readonly number[] = [
  5, 10, 25, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 7_500, 10_000,
  30_000, 60_000, 300_000,
];

/** Bucket bounds for `hl7gw.batch.size` (members per batch). */
export const BATCH_SIZE_BUCKETS: readonly number[] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000];

/** The gateway's instruments on one meter. Each method records one observation. */
export class GatewayMetrics {
  readonly #received: Counter;
  readonly #rejected: Counter;
  readonly #processed: Counter;
  readonly #processingDuration: Histogram;
  readonly #endToEndDuration: Histogram;
  readonly #deadLetters: Counter;
  readonly #deliveries: Counter;
  readonly #replays: Counter;
  readonly #batchSize: Histogram;
  readonly #busLag: Histogram;

  /** Creates every instrument on `meter`. */
  constructor(meter: Meter) {
    const counter = (name: MetricName, description: string) =>
      meter.createCounter(name, { description, unit: '{message}' });
    const duration = (name: MetricName, description: string) =>
      meter.createHistogram(name, {
        description,
        unit: 'ms',
        advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_MS] },
      });

    this.#received = counter(METRIC_NAMES.received, 'Messages accepted by ingest');
    this.#rejected = counter(METRIC_NAMES.rejected, 'Messages refused by ingest, by code');
    this.#processed = counter(METRIC_NAMES.processed, 'Messages the processor finished');
    this.#processingDuration = duration(
      METRIC_NAMES.processingDuration,
      'Time the processor spent on one message',
    );
    this.#endToEndDuration = duration(
      METRIC_NAMES.endToEndDuration,
      'Time from receipt by ingest to the published result',
    );
    this.#deadLetters = counter(METRIC_NAMES.deadLetters, 'Dead letters parked, by category');
    this.#deliveries = counter(METRIC_NAMES.deliveries, 'Deliveries to downstream systems');
    this.#replays = counter(METRIC_NAMES.replays, 'Dead letters replayed by operators');
    this.#batchSize = meter.createHistogram(METRIC_NAMES.batchSize, {
      description: 'Members per submitted batch',
      unit: '{message}',
      advice: { explicitBucketBoundaries: [...BATCH_SIZE_BUCKETS] },
    });
    this.#busLag = duration(
      METRIC_NAMES.busLag,
      'Time a message waited on the bus: processing start less enqueued time',
    );
  }

  /** One message accepted by ingest (`outcome` `queued` or `duplicate`). */
  received(attributes: MetricAttributes): void {
    this.#received.add(1, clean(attributes));
  }

  /** One message refused by ingest, with its gateway error `code` and `category`. */
  rejected(attributes: MetricAttributes): void {
    this.#rejected.add(1, clean(attributes));
  }

  /** One message finished by the processor (`outcome` `published` or `duplicate`). */
  processed(attributes: MetricAttributes): void {
    this.#processed.add(1, clean(attributes));
  }

  /** The processor's time on one message, whatever its outcome. */
  processingDuration(durationMs: number, attributes: MetricAttributes): void {
    this.#processingDuration.record(nonNegative(durationMs), clean(attributes));
  }

  /** Receipt to published result for one message. */
  endToEndDuration(durationMs: number, attributes: MetricAttributes): void {
    this.#endToEndDuration.record(nonNegative(durationMs), clean(attributes));
  }

  /** One dead letter parked, with its `category` and `code`. */
  deadLettered(attributes: MetricAttributes): void {
    this.#deadLetters.add(1, clean(attributes));
  }

  /** One delivery attempt to a downstream system, with its `outcome`. */
  delivered(attributes: MetricAttributes): void {
    this.#deliveries.add(1, clean(attributes));
  }

  /** One replay of a parked dead letter. */
  replayed(attributes: MetricAttributes): void {
    this.#replays.add(1, clean(attributes));
  }

  /** The member count of one submitted batch. */
  batchSize(members: number, attributes: MetricAttributes): void {
    this.#batchSize.record(nonNegative(members), clean(attributes));
  }

  /** How long a message waited on `entity` before processing began. */
  busLag(lagMs: number, attributes: MetricAttributes): void {
    this.#busLag.record(nonNegative(lagMs), clean(attributes));
  }
}

/** Attributes without empty values: an absent facility is left out, not recorded as ''. */
function clean(attributes: MetricAttributes): Attributes {
  const result: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value === 'string' && value !== '') result[key] = value;
  }
  return result;
}

// Clock skew between the bus and this host can make a lag slightly negative.
function nonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
