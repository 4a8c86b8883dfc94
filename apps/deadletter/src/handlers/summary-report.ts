/**
 * `GET /api/v1/reports/summary?from&to`: the summary report (see `summary.ts`) over a
 * window of at most 31 days, read from the status records and parked dead letters in
 * storage. `truncated: true` says the window held more records than one report reads.
 */
import { GatewayError, type ParkedRecord } from '@hl7gw/platform';

import type { Deps } from '../deps.js';
import { parseTime } from '../http/dead-letter-filter.js';
import { operatorEndpoint } from '../http/operator-endpoint.js';
import { listParked } from '../list-parked.js';
import { summarise } from '../summary.js';

/** The longest window a report covers. */
export const MAX_REPORT_WINDOW_MS = 31 * 24 * 3_600_000;
/** The most status records (and parked records) one report reads. */
export const MAX_REPORT_RECORDS = 200_000;

const PARKED_PAGE_SIZE = 1_000;

/** Builds the summary report handler. */
export function createSummaryReport(deps: Deps) {
  return operatorEndpoint(deps, async (request, operator) => {
    operator.auditAs('report.summary.read', 'v1/reports/summary');
    const from = parseTime(request.query.get('from'), 'from');
    const to = parseTime(request.query.get('to'), 'to');
    if (from >= to) throw new GatewayError('BAD_REQUEST', 'from must be before to');
    if (to.getTime() - from.getTime() > MAX_REPORT_WINDOW_MS) {
      throw new GatewayError('BAD_REQUEST', 'A report covers at most 31 days');
    }

    const statuses = await deps.statusScan.inWindow(from, to, MAX_REPORT_RECORDS);
    const parked = await parkedInWindow(deps, from, to);
    const report = summarise(statuses.records, parked.records, from, to);
    return {
      status: 200,
      jsonBody: { ...report, truncated: statuses.truncated || parked.truncated },
    };
  });
}

async function parkedInWindow(
  deps: Deps,
  from: Date,
  to: Date,
): Promise<{ records: ParkedRecord[]; truncated: boolean }> {
  const records: ParkedRecord[] = [];
  let next: string | undefined;
  do {
    if (records.length >= MAX_REPORT_RECORDS) return { records, truncated: true };
    const page = await listParked(deps.parked, { from, to }, PARKED_PAGE_SIZE, next);
    records.push(...page.items);
    next = page.next;
  } while (next !== undefined);
  return { records, truncated: false };
}
