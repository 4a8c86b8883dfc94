/**
 * `GET /api/v1/deadletters`: parked dead letters, oldest first, filtered by `category`,
 * `messageType`, `sendingFacility`, `from` and `to`, paged by `limit` (1-1000, default
 * 100) and the `next` token of the previous page. Answers `{ items, next }`; records hold
 * MSH facts and codes only, never content.
 */
import { GatewayError, isPlatformError } from '@hl7gw/platform';

import type { Deps } from '../deps.js';
import { readContinuationToken, readFilter, readLimit } from '../http/dead-letter-filter.js';
import { operatorEndpoint } from '../http/operator-endpoint.js';
import { listParked } from '../list-parked.js';

/** The page size when none is asked for. */
export const DEFAULT_PAGE_SIZE = 100;
/** The largest page size. */
export const MAX_PAGE_SIZE = 1_000;

/** Builds the list handler. */
export function createListDeadLetters(deps: Deps) {
  return operatorEndpoint(deps, async (request, operator) => {
    operator.auditAs('deadletter.list', 'v1/deadletters');
    const query = readFilter((name) => request.query.get(name));
    const limit = readLimit(request.query.get('limit'), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const next = readContinuationToken(request.query.get('next'));

    try {
      const page = await listParked(deps.parked, query, limit, next);
      return { status: 200, jsonBody: page.next === undefined ? { items: page.items } : page };
    } catch (error) {
      // Storage cannot read a token it did not write; that is the caller's mistake.
      if (next !== undefined && isPlatformError(error) && !error.retryable) {
        throw new GatewayError('BAD_REQUEST', 'next is not a continuation token from this API', {
          cause: error,
        });
      }
      throw error;
    }
  });
}
