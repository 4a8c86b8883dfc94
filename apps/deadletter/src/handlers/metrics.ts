/**
 * `GET /api/metrics`: the counters and histograms of every app in this process in the
 * Prometheus text format, for a scraper on one machine. Metrics carry codes, categories and
 * facilities, never message content, so the answer is safe for any `Reports.Read` caller.
 */
import type { HttpResponseInit } from '@azure/functions';
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from '@hl7gw/platform';

/** Builds the handler: `200` with the text (empty before any metric is recorded). */
export function createMetrics(): () => Promise<HttpResponseInit> {
  return async () => ({
    status: 200,
    headers: { 'content-type': PROMETHEUS_CONTENT_TYPE },
    body: await prometheusText(),
  });
}
