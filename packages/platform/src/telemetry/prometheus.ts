/**
 * Metrics on one machine: a pull reader per app that `/api/metrics` renders in the
 * Prometheus text format (version 0.0.4), and the figures `npm start` prints. Counters
 * become `<name>_total`, histograms `<name>_bucket`/`_sum`/`_count`; dots become
 * underscores, and each series carries the app as the `service` label.
 */
import {
  AggregationTemporality,
  DataPointType,
  MetricReader,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';

import { METRIC_NAMES } from './metrics.js';
import { telemetryState } from './state.js';

/** The content type of the Prometheus text format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** A reader that keeps cumulative metrics until asked for them. */
export class PrometheusReader extends MetricReader {
  /** The app whose meter it reads. */
  readonly service: string;

  /** A reader for `service`'s meter provider. */
  constructor(service: string) {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
    this.service = service;
  }

  /** The app's metrics now. */
  async read(): Promise<MetricData[]> {
    const { resourceMetrics } = await this.collect();
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  }

  protected override async onShutdown(): Promise<void> {}

  protected override async onForceFlush(): Promise<void> {}
}

/** Renders every app's metrics in this process as Prometheus text. */
export async function prometheusText(): Promise<string> {
  const lines: string[] = [];
  const typed = new Set<string>();
  for (const reader of telemetryState().prometheusReaders) {
    for (const metric of await reader.read()) render(metric, reader.service, lines, typed);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** The one-line view of the gateway `npm start` prints. */
export interface MetricsSummary {
  /** `hl7gw.messages.received`, all apps and attributes. */
  received: number;
  /** `hl7gw.messages.processed`. */
  processed: number;
  /** `hl7gw.deadletters`. */
  deadLettered: number;
  /** `hl7gw.messages.rejected`. */
  rejected: number;
  /** P95 of `hl7gw.processing.duration` in ms, from its buckets; undefined before any. */
  p95ProcessingMs?: number;
}

/** Totals since start over every app in this process. */
export async function metricsSummary(): Promise<MetricsSummary> {
  const totals = new Map<string, number>();
  const buckets: { bounds: number[]; counts: number[] }[] = [];
  for (const reader of telemetryState().prometheusReaders) {
    for (const metric of await reader.read()) {
      const name = metric.descriptor.name;
      if (metric.dataPointType === DataPointType.SUM) {
        const sum = metric.dataPoints.reduce((total, point) => total + (point.value as number), 0);
        totals.set(name, (totals.get(name) ?? 0) + sum);
      } else if (
        metric.dataPointType === DataPointType.HISTOGRAM &&
        name === METRIC_NAMES.processingDuration
      ) {
        for (const point of metric.dataPoints) {
          const { boundaries, counts } = (point.value as Histogram).buckets;
          buckets.push({ bounds: boundaries, counts });
        }
      }
    }
  }

  const p95 = percentile(buckets, 0.95);
  return {
    received: totals.get(METRIC_NAMES.received) ?? 0,
    processed: totals.get(METRIC_NAMES.processed) ?? 0,
    deadLettered: totals.get(METRIC_NAMES.deadLetters) ?? 0,
    rejected: totals.get(METRIC_NAMES.rejected) ?? 0,
    ...(p95 === undefined ? {} : { p95ProcessingMs: p95 }),
  };
}

/**
 * The `quantile` of observations spread over histogram buckets (same bounds), read as the
 * upper bound of the bucket it falls in, which over-states it by less than one bucket.
 */
export function percentile(
  histograms: readonly { bounds: number[]; counts: number[] }[],
  quantile: number,
): number | undefined {
  const first = histograms[0];
  if (first === undefined) return undefined;
  const counts = first.counts.map((_, index) =>
    histograms.reduce((total, histogram) => total + (histogram.counts[index] ?? 0), 0),
  );
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return undefined;

  const rank = Math.ceil(quantile * total);
  let seen = 0;
  for (const [index, count] of counts.entries()) {
    seen += count;
    // The last bucket is unbounded above; its lower bound is the best that can be said.
    if (seen >= rank) return first.bounds[index] ?? first.bounds.at(-1);
  }
  return first.bounds.at(-1);
}

function render(metric: MetricData, service: string, lines: string[], typed: Set<string>): void {
  const base = metric.descriptor.name.replace(/[^a-zA-Z0-9_]/g, '_');
  const isCounter = metric.dataPointType === DataPointType.SUM && metric.isMonotonic;
  const name = isCounter ? `${base}_total` : base;
  const type = isCounter
    ? 'counter'
    : metric.dataPointType === DataPointType.HISTOGRAM
      ? 'histogram'
      : 'gauge';

  if (!typed.has(name)) {
    typed.add(name);
    lines.push(`# HELP ${name} ${escapeHelp(metric.descriptor.description)}`);
    lines.push(`# TYPE ${name} ${type}`);
  }
  for (const point of metric.dataPoints) {
    const labels = { service, ...point.attributes };
    if (metric.dataPointType !== DataPointType.HISTOGRAM) {
      lines.push(`${name}${labelText(labels)} ${String(point.value)}`);
      continue;
    }
    const histogram = point.value as Histogram;
    let cumulative = 0;
    histogram.buckets.counts.forEach((count, index) => {
      cumulative += count;
      const le = histogram.buckets.boundaries[index];
      lines.push(
        `${name}_bucket${labelText({ ...labels, le: le === undefined ? '+Inf' : String(le) })} ${cumulative}`,
      );
    });
    lines.push(`${name}_sum${labelText(labels)} ${histogram.sum ?? 0}`);
    lines.push(`${name}_count${labelText(labels)} ${histogram.count}`);
  }
}

function labelText(labels: Record<string, unknown>): string {
  const parts = Object.entries(labels).map(
    ([key, value]) =>
      `${key.replace(/[^a-zA-Z0-9_]/g, '_')}="${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return `{${parts.join(',')}}`;
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
