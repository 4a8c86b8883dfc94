/**
 * The edge of every operator API function: the API key is checked, the trace id read,
 * a per-request logger made, and any throw normalised once into problem details. The
 * handlers inside only return results or throw.
 */
import { randomBytes } from 'node:crypto';

import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { API_KEY_HEADER, childFor } from '@hl7gw/platform';

import type { AppLogger, Deps } from '../deps.js';
import { problemResponse, toGatewayError } from './problem.js';

const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/** Who is calling, and how to log for this request. */
export interface Operator {
  /** The client the API key belongs to. */
  clientId: string;
  /** The W3C trace id of the request. */
  traceId: string;
  /** The W3C `traceparent` of the request, to carry onto the bus. */
  traceparent: string;
  /** A logger carrying the trace id. */
  log: AppLogger;
}

/** An HTTP function as `@azure/functions` calls it. */
export type HttpHandler = (
  request: HttpRequest,
  context: InvocationContext,
) => Promise<HttpResponseInit>;

/** What an operator endpoint does once the caller is known. */
export type OperatorAction = (
  request: HttpRequest,
  operator: Operator,
) => Promise<HttpResponseInit>;

/**
 * Wraps `action` with authentication and error handling. Refusals are logged at `info`,
 * a dependency down at `warn`, anything unexpected at `error` (with the error, whose
 * text the logger scrubs); none of them echo request content.
 */
export function operatorEndpoint(deps: Deps, action: OperatorAction): HttpHandler {
  return async (request, context) => {
    const given = context.traceContext?.traceParent;
    const traceparent = given && TRACEPARENT.test(given) ? given : newTraceparent();
    const traceId = traceparent.split('-')[1] as string;
    const log = childFor(deps.logger, { traceId });

    try {
      const client = deps.apiKeys.verify(request.headers.get(API_KEY_HEADER));
      return await action(request, { clientId: client.clientId, traceId, traceparent, log });
    } catch (thrown) {
      const error = toGatewayError(thrown);
      const fields = { code: error.code, method: request.method, route: routeOf(request) };
      if (error.code === 'INTERNAL_ERROR') {
        log.error({ ...fields, err: thrown }, 'request failed');
      } else if (error.code === 'DEPENDENCY_UNAVAILABLE') {
        log.warn({ ...fields, err: thrown }, 'dependency unavailable');
      } else {
        log.info(fields, 'request refused');
      }
      return problemResponse(error, traceId);
    }
  };
}

/** The path without the query: ids are not PHI, query values might be. */
function routeOf(request: HttpRequest): string {
  return new URL(request.url).pathname;
}

function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}
