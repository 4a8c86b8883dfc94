/**
 * The edge every HTTP handler runs behind: it finds the request's trace, gives the body a
 * logger carrying the trace id, and turns anything thrown into one problem details answer,
 * logged at the level its outcome deserves (a rejected request `info`, a dependency down
 * `error`). Only codes and locations are logged, never a body.
 *
 * It writes the audit log too: every refused credential (`auth.failure`), and every call
 * of a handler named in `AUDIT_ACTIONS`, with its outcome. A successful call's entry is
 * written before the answer leaves; if it cannot be, the answer is a `503`.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import {
  API_KEY_HEADER,
  childFor,
  GatewayError,
  type ApiKeyClient,
  type AuditEvent,
} from '@hl7gw/platform';

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

/**
 * The audit action of each audited handler, by handler name: every call of these is
 * written to the audit log with the `{id}` it names and its outcome.
 */
export const AUDIT_ACTIONS: Readonly<Record<string, string>> = {
  getMessageStatus: 'message.status.read',
  getBatchStatus: 'batch.status.read',
};

/** Wraps `body` so that every throw is normalised, logged and answered once. */
export function handled(deps: Deps, name: string, body: HandlerBody): RequestHandler {
  const auditAction = AUDIT_ACTIONS[name];
  return async (request, context) => {
    const trace = traceOf(request, context);
    const log = childFor(deps.logger, { traceId: trace.traceId }).child({ handler: name });
    const audit = (event: Omit<AuditEvent, 'actor' | 'ip' | 'traceId'>) => {
      const ip = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
      return deps.audit.append({
        ...event,
        actor: actorOf(deps, request),
        traceId: trace.traceId,
        ...(ip ? { ip } : {}),
      });
    };
    const resource = request.params.id;

    let answered = false;
    try {
      const response = await body(request, context, { trace, log });
      answered = true;
      if (auditAction !== undefined) {
        try {
          await audit({ action: auditAction, resource, outcome: 'success' });
        } catch (error) {
          throw new GatewayError('DEPENDENCY_UNAVAILABLE', 'The audit log is unavailable', {
            cause: error,
          });
        }
      }
      return response;
    } catch (thrown) {
      const error = toGatewayError(thrown);
      const unauthenticated = error.code === 'UNAUTHENTICATED';
      if (unauthenticated || (auditAction !== undefined && !answered)) {
        const status = error.spec.httpStatus;
        const denied = status === 401 || status === 403 || status === 429;
        // A refusal is already the safe answer: an audit log that is down is only logged.
        await audit({
          action: unauthenticated ? 'auth.failure' : (auditAction as string),
          resource: unauthenticated ? name : resource,
          outcome: denied ? 'denied' : 'failure',
          code: error.code,
        }).catch((failure: unknown) => log.error({ err: failure }, 'audit entry not written'));
      }
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

/** The client id of the request's API key, or `anonymous`. */
function actorOf(deps: Deps, request: HttpRequest): string {
  try {
    return deps.apiKeys.verify(request.headers.get(API_KEY_HEADER)).clientId;
  } catch {
    return 'anonymous';
  }
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
