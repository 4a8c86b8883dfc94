/**
 * The edge of every operator API function, inside the route pipeline: the caller taken
 * from the pipeline, the trace id read, a per-request logger made, and any throw
 * normalised once into problem details. The handlers inside only return results or throw.
 *
 * It also writes the audit log: every authentication failure, and every call of an action
 * that named its audit action (`operator.auditAs`), whatever its outcome. The entry is
 * written before the answer leaves, so content that cannot be audited is never released.
 */
import { randomBytes } from 'node:crypto';

import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import {
  appendRequired,
  childFor,
  GatewayError,
  type AuditEvent,
  type AuditOutcome,
  type Principal,
  type RouteCall,
} from '@hl7gw/platform';

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
  /**
   * Names the audit action of this call (`deadletter.purge`) and the resource it acts on;
   * the edge writes the entry with the outcome once the call ends.
   */
  auditAs(action: string, resource?: string): void;
  /** Writes one more audit entry now, such as one per dead letter of a bulk replay. */
  audit(event: Pick<AuditEvent, 'action' | 'resource' | 'outcome' | 'code'>): Promise<void>;
}

/** An HTTP function as `@azure/functions` calls it, and the route pipeline (with the call). */
export type HttpHandler = (
  request: HttpRequest,
  context: InvocationContext,
  call?: RouteCall,
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
  return async (request, context, call) => {
    const given = context.traceContext?.traceParent;
    const traceparent = given && TRACEPARENT.test(given) ? given : newTraceparent();
    const traceId = traceparent.split('-')[1] as string;
    const log = childFor(deps.logger, { traceId });
    const ip = clientIp(request);
    let actor = 'anonymous';
    let named: { action: string; resource?: string } | undefined;

    const audit = (event: Pick<AuditEvent, 'action' | 'resource' | 'outcome' | 'code'>) =>
      deps.audit.append({ ...event, actor, traceId, ...(ip === undefined ? {} : { ip }) });

    try {
      const principal = await callerOf(deps, request, call);
      actor = principal.id;
      const operator: Operator = {
        clientId: principal.id,
        traceId,
        traceparent,
        log,
        auditAs: (action, resource) => {
          named = { action, ...(resource === undefined ? {} : { resource }) };
        },
        audit,
      };
      const response = await action(request, operator);
      if (named !== undefined) {
        const done = named;
        // Once the action has run, a second (failure) entry would misstate what happened.
        named = undefined;
        await appendRequired(() => audit({ ...done, outcome: 'success' }));
      }
      return response;
    } catch (thrown) {
      const error = toGatewayError(thrown);
      if (error.code === 'UNAUTHENTICATED') {
        await auditQuietly(log, () =>
          audit({ action: 'auth.failure', resource: routeOf(request), ...refusal(error) }),
        );
      } else if (named !== undefined) {
        const entry = { ...named, ...refusal(error) };
        await auditQuietly(log, () => audit(entry));
      }

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

/**
 * The caller: the principal the route pipeline authenticated (it checked the role and the
 * rate limit too), or, called without the pipeline, the request's own credentials.
 * @throws GatewayError `UNAUTHENTICATED`.
 */
async function callerOf(
  deps: Deps,
  request: HttpRequest,
  call: RouteCall | undefined,
): Promise<Principal> {
  if (call?.principal !== undefined) return call.principal;
  if (call !== undefined) {
    throw new GatewayError('UNAUTHENTICATED', 'Send a Bearer token or an x-api-key header');
  }
  return deps.security.authenticator.authenticate(request.headers);
}

/** The outcome and code of an audited call that ended in `error`. */
function refusal(error: GatewayError): { outcome: AuditOutcome; code: string } {
  const status = error.spec.httpStatus;
  const denied = status === 401 || status === 403 || status === 429;
  return { outcome: denied ? 'denied' : 'failure', code: error.code };
}

/**
 * Writes the audit entry of a refusal. A refusal is already the safe answer, so an audit
 * log that is down is logged rather than turning a 401 or 404 into a 503.
 */
async function auditQuietly(log: AppLogger, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    log.error({ err: error }, 'audit entry not written');
  }
}

/** The caller's address: the first `X-Forwarded-For` hop, as Azure's front ends set it. */
function clientIp(request: HttpRequest): string | undefined {
  const first = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return first === undefined || first === '' ? undefined : first;
}

/** The path without the query: ids are not PHI, query values might be. */
function routeOf(request: HttpRequest): string {
  return new URL(request.url).pathname;
}

function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}
