/**
 * The edge every HTTP handler runs behind: it finds the request's trace, gives the body a
 * logger carrying the trace id, and turns anything thrown into one problem details answer,
 * logged at the level its outcome deserves (a rejected request `info`, a dependency down
 * `error`). Only codes and locations are logged, never a body.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { API_KEY_HEADER, childFor, type ApiKeyClient, type GatewayError } from '@hl7gw/platform';

import type { Deps, Logger } from '../deps.js';
import { toGatewayError } from './errors.js';
import { problemResponse } from './respond.js';
import { traceOf, type RequestTrace } from './trace.js';

/** An HTTP handler as `@azure/functions` calls it. */
export type RequestHandler = (
  request: HttpRequest,
  context: InvocationContext,
) => Promise<HttpResponseInit>;

/** What the edge hands a handler body. */
export interface RequestScope {
  /** The request's trace context. */
  trace: RequestTrace;
  /** The app logger with the trace id bound. */
  log: Logger;
}

/** A handler body: may throw anything; the edge answers it. */
export type HandlerBody = (
  request: HttpRequest,
  context: InvocationContext,
  scope: RequestScope,
) => Promise<HttpResponseInit>;

/** Wraps `body` so that every throw is normalised, logged and answered once. */
export function handled(deps: Deps, name: string, body: HandlerBody): RequestHandler {
  return async (request, context) => {
    const trace = traceOf(request, context);
    const log = childFor(deps.logger, { traceId: trace.traceId }).child({ handler: name });
    try {
      return await body(request, context, { trace, log });
    } catch (thrown) {
      const error = toGatewayError(thrown);
      logRejection(log, error);
      return problemResponse(error, {
        traceId: trace.traceId,
        retryAfterSeconds: deps.settings.retryAfterSeconds,
      });
    }
  };
}

/**
 * The client a request's API key belongs to.
 * @throws GatewayError `UNAUTHENTICATED`.
 */
export function authenticate(deps: Deps, request: HttpRequest): ApiKeyClient {
  return deps.apiKeys.verify(request.headers.get(API_KEY_HEADER));
}

/** Logs a refused request: client errors at `info`, a dependency down or a bug at `error`. */
export function logRejection(log: Logger, error: GatewayError): void {
  const fields = {
    code: error.code,
    status: error.spec.httpStatus,
    ...(error.location === undefined ? {} : { location: error.location }),
  };
  if (error.spec.httpStatus < 500) log.info(fields, 'request refused');
  else log.error({ ...fields, err: error.cause ?? error }, 'request failed');
}
