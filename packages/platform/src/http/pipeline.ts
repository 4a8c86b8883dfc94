/**
 * The pipeline every declared route runs behind, in this order: security and deprecation
 * headers (on every answer, refusals included), CORS for allowed origins, the request
 * size limit, authentication, the role check, the rate limit, JSON Schema validation of
 * the body, then the handler under the request time limit, and the audit entry.
 *
 * Every authentication failure, role refusal and rate-limit refusal is audited, and so is
 * every call of a route that declares an audit action. Refusals are answered as RFC 9457
 * problem details built from codes, never from request content.
 */
import { randomBytes } from 'node:crypto';

// The package is CommonJS, and Node cannot see `HttpRequest` as a named export of it.
import functions, {
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';

import type { AuditEvent, AuditOutcome } from '../audit-writer.js';
import { holdsAnyRole, type Principal } from '../auth/principal.js';
import { GatewayError, isGatewayError, toProblemDetails } from '../gateway-error.js';
import { readBody } from './body.js';
import { corsHeaders, deprecationHeaders, securityHeaders } from './headers.js';
import { rateLimitHeaders } from './rate-limit.js';
import type { RouteCall, RouteDeclaration, RouteHandler } from './route.js';
import type { RouteSecurity } from './route-security.js';
import { compileBodySchema, type BodyValidator } from './schema.js';

/** The `@azure/functions` HTTP handler shape. */
export type FunctionsHttpHandler = (
  request: HttpRequest,
  context: InvocationContext,
) => Promise<HttpResponseInit>;

const TRACEPARENT = /^00-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}$/;
const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** Headers on a `401`, naming the schemes a client may use (RFC 9110 section 11.6.1). */
const CHALLENGE = {
  'www-authenticate': 'Bearer realm="hl7gw", ApiKey realm="hl7gw", header="x-api-key"',
};

/**
 * Wraps `handler` in the pipeline of `declaration`. `security` is called on each request
 * (cheaply: apps build it once); when it throws (a configuration error) the answer is a
 * `500` `INTERNAL_ERROR` naming no setting.
 */
export function securedHandler(
  declaration: RouteDeclaration,
  handler: RouteHandler,
  security: () => RouteSecurity,
): FunctionsHttpHandler {
  let validator: BodyValidator | undefined | null = null;

  return async (request, context) => {
    const trace = traceOf(request, context);
    let sec: RouteSecurity;
    try {
      sec = security();
    } catch (error) {
      context.error(`${declaration.name}: the app is misconfigured: ${errorName(error)}`);
      // Anonymous routes (health, documentation) still answer: a probe should see the app.
      if (declaration.roles === 'anonymous') {
        const call: RouteCall = { principal: undefined, ...trace, audit: async () => {} };
        return finish(
          await handler(request, context, call),
          baseHeaders(declaration, request, undefined),
        );
      }
      const failure = new GatewayError('INTERNAL_ERROR', 'The gateway is misconfigured');
      return finish(problem(failure, trace.traceId), baseHeaders(declaration, request, undefined));
    }
    const log = sec.logger.child({ traceId: trace.traceId, route: declaration.name });
    const headers = baseHeaders(declaration, request, sec);
    const ip = clientIp(request);
    const resource = request.params.id ?? declaration.route;
    // Refusals name the path asked for (without the query, whose values might be data).
    const path = new URL(request.url).pathname;

    const audit = async (event: Omit<AuditEvent, 'ip' | 'traceId'>): Promise<void> => {
      await sec.audit?.append({
        ...event,
        ...(ip === undefined ? {} : { ip }),
        traceId: trace.traceId,
      });
    };
    // Audit entries of refusals must not turn a 401 or a 429 into a 500: logged instead.
    const auditRefusal = async (event: Omit<AuditEvent, 'ip' | 'traceId'>) => {
      try {
        await audit(event);
      } catch (error) {
        log.error({ err: error, action: event.action }, 'audit entry not written');
      }
    };

    let principal: Principal | undefined;
    try {
      // A declared Content-Length over the limit is refused before anything is read.
      const declared = Number(request.headers.get('content-length') ?? '0');
      if (declared > sec.settings.limits.maxRequestBytes) {
        throw new GatewayError(
          'PAYLOAD_TOO_LARGE',
          `The body is larger than ${sec.settings.limits.maxRequestBytes} bytes`,
        );
      }

      if (declaration.roles !== 'anonymous') {
        try {
          principal = await sec.authenticator.authenticate(request.headers);
        } catch (error) {
          if (isGatewayError(error) && error.code === 'UNAUTHENTICATED') {
            await auditRefusal({
              actor: 'anonymous',
              action: 'auth.failure',
              resource: path,
              outcome: 'denied',
              code: error.code,
            });
            Object.assign(headers, CHALLENGE);
          }
          throw error;
        }

        if (!holdsAnyRole(principal, declaration.roles)) {
          await auditRefusal({
            actor: principal.id,
            action: 'auth.forbidden',
            resource: path,
            outcome: 'denied',
            code: 'FORBIDDEN',
          });
          throw new GatewayError(
            'FORBIDDEN',
            `This route needs one of the roles ${declaration.roles.join(', ')}`,
          );
        }

        const routeClass = declaration.routeClass ?? 'read';
        const decision = sec.rateLimiter.take(principal.id, routeClass);
        Object.assign(headers, rateLimitHeaders(routeClass, decision));
        if (!decision.allowed) {
          headers['retry-after'] = String(decision.retryAfterSeconds);
          await auditRefusal({
            actor: principal.id,
            action: 'ratelimit.refused',
            resource: path,
            outcome: 'denied',
            code: 'RATE_LIMITED',
          });
          throw new GatewayError('RATE_LIMITED', `The ${routeClass} rate limit is reached`);
        }
      }

      validator ??= compileBodySchema(declaration);
      let forwarded = request;
      let body: unknown;
      if (validator !== undefined && isJson(request)) {
        const text = await readText(request, sec.settings.limits.maxRequestBytes);
        body = validator(text);
        forwarded = copyWithBody(request, text);
      }

      const call: RouteCall = {
        principal,
        traceId: trace.traceId,
        traceparent: trace.traceparent,
        ...(body === undefined ? {} : { body }),
        audit: (event) => audit({ ...event, actor: principal?.id ?? 'anonymous' }),
      };
      const response = await withinTime(
        handler(forwarded, context, call),
        sec.settings.limits.requestTimeoutMs,
      );

      const action =
        typeof declaration.audit === 'function' ? declaration.audit(forwarded) : declaration.audit;
      if (action !== undefined) {
        const status = response.status ?? 200;
        const code = problemCode(response);
        try {
          await audit({
            actor: principal?.id ?? 'anonymous',
            action,
            resource,
            outcome: outcomeOf(status),
            ...(code === undefined ? {} : { code }),
          });
        } catch (error) {
          // What cannot be audited is not released: the content stays behind a 503.
          log.error({ err: error, action }, 'audit entry not written; answer withheld');
          throw new GatewayError('DEPENDENCY_UNAVAILABLE', 'The audit log is unavailable', {
            cause: error,
          });
        }
      }
      return finish(response, headers);
    } catch (thrown) {
      const error = isGatewayError(thrown)
        ? thrown
        : new GatewayError('INTERNAL_ERROR', 'The gateway could not complete the request', {
            cause: thrown,
          });
      if (error.spec.httpStatus >= 500)
        log.error({ code: error.code, err: error.cause ?? error }, 'request failed');
      else log.info({ code: error.code, status: error.spec.httpStatus }, 'request refused');
      if (error.spec.retryable && headers['retry-after'] === undefined)
        headers['retry-after'] = '5';
      return finish(problem(error, trace.traceId), headers);
    }
  };
}

/** Security, deprecation and CORS headers: the ones every answer of the route carries. */
function baseHeaders(
  declaration: RouteDeclaration,
  request: HttpRequest,
  sec: RouteSecurity | undefined,
): Record<string, string> {
  return {
    ...securityHeaders({
      hstsMaxAgeSeconds: sec?.settings.hstsMaxAgeSeconds ?? 63_072_000,
      cacheable: declaration.cacheable === true,
    }),
    ...deprecationHeaders(declaration.deprecated),
    ...corsHeaders(request, sec?.settings.corsOrigins ?? []),
  };
}

/** The handler's answer with the pipeline's headers added (the handler's win on a clash). */
function finish(response: HttpResponseInit, headers: Record<string, string>): HttpResponseInit {
  const merged = new Headers(headers);
  new Headers(response.headers as ConstructorParameters<typeof Headers>[0]).forEach((value, name) =>
    merged.set(name, value),
  );
  return { ...response, headers: merged };
}

function problem(error: GatewayError, traceId: string): HttpResponseInit {
  return {
    status: error.spec.httpStatus,
    headers: { 'content-type': PROBLEM_MEDIA_TYPE },
    body: JSON.stringify(toProblemDetails(error, traceId)),
  };
}

/** The `code` of a problem details answer, for the audit entry. */
function problemCode(response: HttpResponseInit): string | undefined {
  if ((response.status ?? 200) < 400) return undefined;
  const body: unknown =
    response.jsonBody ?? (typeof response.body === 'string' ? safeParse(response.body) : undefined);
  const code = (body as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'success';
  return status === 401 || status === 403 || status === 429 ? 'denied' : 'failure';
}

function isJson(request: HttpRequest): boolean {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type?.endsWith('+json') ?? false);
}

/**
 * The body as text, counting bytes as they arrive.
 * @throws GatewayError `PAYLOAD_TOO_LARGE`.
 */
async function readText(request: HttpRequest, limitBytes: number): Promise<string> {
  const bytes = await readBody(request, limitBytes);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** The request again, with its body (already read) as `text`. */
function copyWithBody(request: HttpRequest, text: string): HttpRequest {
  return new functions.HttpRequest({
    method: request.method,
    url: request.url,
    headers: Object.fromEntries(request.headers.entries()),
    query: Object.fromEntries(request.query.entries()),
    params: request.params,
    body: { string: text },
  });
}

async function withinTime(
  answer: Promise<HttpResponseInit>,
  timeoutMs: number,
): Promise<HttpResponseInit> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(new GatewayError('REQUEST_TIMEOUT', `The request took longer than ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The request's trace: the invocation's, the caller's `traceparent`, or a new one. */
function traceOf(
  request: HttpRequest,
  context: InvocationContext,
): { traceId: string; traceparent: string } {
  for (const candidate of [context.traceContext?.traceParent, request.headers.get('traceparent')]) {
    const match = TRACEPARENT.exec(candidate?.trim().toLowerCase() ?? '');
    if (match?.[1] && !/^0+$/.test(match[1]) && !/^0+$/.test(match[2] ?? '')) {
      return { traceId: match[1], traceparent: match[0] };
    }
  }
  const traceId = randomBytes(16).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
}

/** The caller's address: the first `X-Forwarded-For` hop, as Azure's front ends set it. */
function clientIp(request: HttpRequest): string | undefined {
  const first = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  if (first === undefined || first === '') return undefined;
  // Azure appends the client port to IPv4 addresses (`203.0.113.7:53122`).
  return /^\d+\.\d+\.\d+\.\d+:\d+$/.test(first) ? first.slice(0, first.lastIndexOf(':')) : first;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}
