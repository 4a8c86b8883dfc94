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
  ALL_FACILITIES,
  appendRequired,
  childFor,
  GatewayError,
  type AuditEvent,
  type Principal,
  type RouteCall,
} from '@hl7gw/platform';

import type { Deps, Logger } from '../deps.js';
import { toGatewayError } from './errors.js';
import { problemResponse } from './respond.js';
import { traceOf, type RequestTrace } from './trace.js';

/**
 * An HTTP handler as `@azure/functions` calls it; behind the route pipeline it also gets
 * the call, carrying the authenticated principal.
 */
export type RequestHandler = (
  request: HttpRequest,
  context: InvocationContext,
  call?: RouteCall,
) => Promise<HttpResponseInit>;

/** The authenticated caller of a request: as the pipeline found it, or why there is none. */
const callers = new WeakMap<HttpRequest, Principal | unknown>();

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
  return async (request, context, call) => {
    await identify(deps, request, call);
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
        await appendRequired(() => audit({ action: auditAction, resource, outcome: 'success' }));
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

/** Who is calling: the client id status records carry, and the principal itself. */
export interface Caller {
  /** The API-key client id or the Entra object id. */
  clientId: string;
  /** Roles and facilities. */
  principal: Principal;
}

/**
 * Records the request's caller: the pipeline's principal, or (for a handler called
 * without the pipeline, as tests do) the outcome of authenticating its credentials now.
 */
async function identify(deps: Deps, request: HttpRequest, call: RouteCall | undefined) {
  if (call !== undefined) {
    if (call.principal !== undefined) callers.set(request, call.principal);
    return;
  }
  try {
    callers.set(request, await deps.security.authenticator.authenticate(request.headers));
  } catch (error) {
    callers.set(request, error);
  }
}

/**
 * The caller of a request.
 * @throws GatewayError `UNAUTHENTICATED` (or the authentication error met) when there is none.
 */
export function authenticate(_deps: Deps, request: HttpRequest): Caller {
  const found = callers.get(request);
  if (isPrincipal(found)) return { clientId: found.id, principal: found };
  if (found instanceof Error) throw found;
  throw new GatewayError('UNAUTHENTICATED', 'Send a Bearer token or an x-api-key header');
}

/** True when `caller` may read what client `owner` submitted: its own, or every facility's. */
export function mayRead(caller: Caller, owner: string | undefined): boolean {
  return caller.clientId === owner || caller.principal.facilities === ALL_FACILITIES;
}

function isPrincipal(value: unknown): value is Principal {
  return typeof value === 'object' && value !== null && 'roles' in value && 'id' in value;
}

/** The id of the request's caller, or `anonymous`. */
function actorOf(_deps: Deps, request: HttpRequest): string {
  const found = callers.get(request);
  return isPrincipal(found) ? found.id : 'anonymous';
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
