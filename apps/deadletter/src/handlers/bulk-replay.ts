/**
 * `POST /api/v1/deadletters/replay` with `{ filter, dryRun, limit }`: replays every parked
 * (not yet replayed) dead letter the filter selects, oldest first, up to `limit` (default
 * 100, at most 1000) per request. `dryRun: true` answers what would be replayed and
 * touches nothing. Each dead letter is replayed or refused on its own; `more: true` says
 * the filter selects more, and repeating the request continues, since replayed ones no
 * longer match.
 */
import { GatewayError, type ParkedRecord } from '@hl7gw/platform';

import type { Deps } from '../deps.js';
import { readFilterObject, readLimit } from '../http/dead-letter-filter.js';
import { operatorEndpoint, type Operator } from '../http/operator-endpoint.js';
import { toGatewayError } from '../http/problem.js';
import { listParked } from '../list-parked.js';
import { checkReplayable, replay } from '../replay.js';
import { isObject } from '../trigger-metadata.js';

/** How many dead letters one bulk request handles when no limit is given. */
export const DEFAULT_BULK_LIMIT = 100;
/** The most dead letters one bulk request handles. */
export const MAX_BULK_LIMIT = 1_000;

/** One dead letter in a bulk answer. */
interface BulkItem {
  id: string;
  category: string;
  messageType: string;
  sendingFacility: string;
  replayCount: number;
  /** The replay's gateway id, once replayed. */
  replayId?: string;
  /** Why it is (or would be) refused. */
  refused?: { code: string; detail: string };
}

/** Builds the bulk replay handler. */
export function createBulkReplay(deps: Deps) {
  return operatorEndpoint(deps, async (request, operator) => {
    operator.auditAs('deadletter.replay.bulk', 'v1/deadletters/replay');
    const body = readBody(await request.text());
    const query = { ...readFilterObject(body.filter), state: 'parked' as const };
    const limit = readLimit(body.limit, DEFAULT_BULK_LIMIT, MAX_BULK_LIMIT);
    const dryRun = body.dryRun === true;

    const page = await listParked(deps.parked, query, limit);
    const items: BulkItem[] = [];
    for (const record of page.items) {
      items.push(
        dryRun
          ? preview(record, deps.settings.maxReplays)
          : await replayOne(deps, record, operator),
      );
    }

    const replayed = items.filter((item) => item.replayId !== undefined).length;
    operator.log.info(
      {
        audit: 'deadletter.replay.bulk',
        metric: dryRun ? undefined : 'hl7gw.replays',
        count: replayed,
        clientId: operator.clientId,
        dryRun,
        selected: items.length,
        refused: items.filter((item) => item.refused !== undefined).length,
      },
      dryRun ? 'bulk replay previewed' : 'bulk replay done',
    );
    return {
      status: 200,
      jsonBody: {
        dryRun,
        selected: items.length,
        ...(dryRun ? { wouldReplay: items.filter((i) => !i.refused).length } : { replayed }),
        more: page.next !== undefined,
        items,
      },
    };
  });
}

function readBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GatewayError('BAD_REQUEST', 'The body is not JSON', { cause: error });
  }
  if (!isObject(parsed)) throw new GatewayError('BAD_REQUEST', 'The body must be a JSON object');
  if (parsed.dryRun !== undefined && typeof parsed.dryRun !== 'boolean') {
    throw new GatewayError('BAD_REQUEST', 'dryRun must be true or false');
  }
  return parsed;
}

function summary(record: ParkedRecord): BulkItem {
  return {
    id: record.id,
    category: record.category,
    messageType: record.messageType,
    sendingFacility: record.sendingFacility,
    replayCount: record.replayCount,
  };
}

function preview(record: ParkedRecord, maxReplays: number): BulkItem {
  try {
    checkReplayable(record, maxReplays);
    return summary(record);
  } catch (error) {
    return refused(record, error);
  }
}

async function replayOne(deps: Deps, record: ParkedRecord, operator: Operator): Promise<BulkItem> {
  let answer: BulkItem;
  try {
    const outcome = await replay(deps, {
      record,
      clientId: operator.clientId,
      traceparent: operator.traceparent,
    });
    answer = { ...summary(record), replayId: outcome.id };
  } catch (error) {
    answer = refused(record, error);
    const code = answer.refused?.code;
    if (code === 'INTERNAL_ERROR' || code === 'DEPENDENCY_UNAVAILABLE') {
      operator.log.warn(
        { parkedId: record.id, code, err: error },
        'bulk replay of one dead letter failed',
      );
    }
  }

  // Each dead letter gets its own entry; a throw here fails the request with a 503.
  const code = answer.refused?.code;
  await operator.audit({
    action: 'deadletter.replay',
    resource: record.id,
    outcome: code === undefined ? 'success' : 'failure',
    ...(code === undefined ? {} : { code }),
  });
  return answer;
}

function refused(record: ParkedRecord, error: unknown): BulkItem {
  const { code, message } = toGatewayError(error);
  return { ...summary(record), refused: { code, detail: message } };
}
