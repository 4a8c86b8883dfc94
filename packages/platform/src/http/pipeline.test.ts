import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import pino from 'pino';
import { describe, expect, it } from 'vitest';

import type { AuditEvent, AuditWriter } from '../audit-writer.js';
import { hashApiKey } from '../auth/api-key-directory.js';
import { securedHandler } from './pipeline.js';
import type { RouteCall, RouteDeclaration, RouteHandler } from './route.js';
import { createRouteSecurity, type RouteSecurity } from './route-security.js';

const DEV_KEY = 'pipeline-dev-key-0123456789';
const READER_KEY = 'pipeline-reader-key-0123456789';

class AuditRecorder implements AuditWriter {
  readonly events: AuditEvent[] = [];
  failing = false;
  async append(event: AuditEvent): Promise<void> {
    if (this.failing) throw new Error('audit store down');
    this.events.push(event);
  }
}

function security(env: Record<string, string> = {}, audit = new AuditRecorder()): RouteSecurity {
  return createRouteSecurity(
    {
      HL7GW_DEV_API_KEY: DEV_KEY,
      HL7GW_API_KEYS: JSON.stringify([
        {
          clientId: 'reader',
          roles: ['Results.Read'],
          facilities: [],
          keyHashes: [hashApiKey(READER_KEY)],
        },
      ]),
      ...env,
    },
    { logger: pino({ level: 'silent' }), audit },
  );
}

const REPLAY: RouteDeclaration = {
  name: 'testReplay',
  method: 'POST',
  route: 'v1/things/{id}/replay',
  roles: ['DeadLetters.Manage'],
  routeClass: 'operator',
  summary: 'Replay a thing',
  tags: ['Things'],
  audit: 'thing.replay',
  requestBody: {
    content: {
      'application/json': {
        schema: {
          type: 'object',
          additionalProperties: false,
          properties: { dryRun: { type: 'boolean' } },
        },
      },
    },
  },
  responses: { 202: { description: 'Replayed.' } },
};

function request(headers: Record<string, string> = {}, body?: string): HttpRequest {
  return new HttpRequest({
    method: 'POST',
    url: 'http://127.0.0.1/api/v1/things/T1/replay',
    headers: { 'x-forwarded-for': '203.0.113.7:50000', ...headers },
    params: { id: 'T1' },
    ...(body === undefined ? {} : { body: { string: body } }),
  });
}

async function call(
  sec: RouteSecurity,
  req: HttpRequest,
  declaration: RouteDeclaration = REPLAY,
  handler: RouteHandler = async () => ({ status: 202, jsonBody: { ok: true } }),
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const answer: HttpResponseInit = await securedHandler(
    declaration,
    handler,
    () => sec,
  )(req, new InvocationContext({ functionName: declaration.name }));
  const headers = answer.headers as Headers;
  const text =
    typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.jsonBody ?? {});
  return {
    status: answer.status ?? 200,
    headers,
    body: JSON.parse(text) as Record<string, unknown>,
  };
}

describe('the route pipeline', () => {
  it('answers 401 with a challenge and audits the failure when there are no credentials', async () => {
    const audit = new AuditRecorder();
    const answer = await call(security({}, audit), request());

    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('UNAUTHENTICATED');
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(audit.events).toEqual([
      expect.objectContaining({
        actor: 'anonymous',
        action: 'auth.failure',
        outcome: 'denied',
        code: 'UNAUTHENTICATED',
        ip: '203.0.113.7',
      }),
    ]);
  });

  it('answers 403 FORBIDDEN to a caller without the role, and audits it', async () => {
    const audit = new AuditRecorder();
    const answer = await call(security({}, audit), request({ 'x-api-key': READER_KEY }));
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('FORBIDDEN');
    expect(audit.events.map((e) => [e.actor, e.action])).toEqual([['reader', 'auth.forbidden']]);
  });

  it('answers 429 with Retry-After and rate headers past the burst, and audits the refusal', async () => {
    const audit = new AuditRecorder();
    const sec = security(
      {
        HL7GW_RATE_LIMITS: JSON.stringify({
          default: { operator: { ratePerSecond: 0.5, burst: 2 } },
        }),
      },
      audit,
    );
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await call(sec, request({ 'x-api-key': DEV_KEY })));

    expect(answers.map((a) => a.status)).toEqual([202, 202, 429]);
    expect(answers[0]?.headers.get('ratelimit-policy')).toBe('"operator";q=2;w=4');
    expect(answers[1]?.headers.get('ratelimit')).toMatch(/^"operator";r=0;t=\d+$/);
    expect(answers[2]?.headers.get('retry-after')).toBe('2');
    expect(answers[2]?.body.code).toBe('RATE_LIMITED');
    expect(audit.events.filter((e) => e.action === 'ratelimit.refused')).toHaveLength(1);
  });

  it('refuses a body breaking its schema with a coded 400 before the handler runs', async () => {
    let ran = false;
    const answer = await call(
      security(),
      request({ 'x-api-key': DEV_KEY, 'content-type': 'application/json' }, '{"dryRun":"yes"}'),
      REPLAY,
      async () => {
        ran = true;
        return { status: 202 };
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'BAD_REQUEST', location: '/dryRun' });
    expect(answer.body.detail).not.toContain('yes');
    expect(ran).toBe(false);
  });

  it('hands the handler the principal, the checked body and a readable request', async () => {
    let seen: { call?: RouteCall; text?: string } = {};
    await call(
      security(),
      request({ 'x-api-key': DEV_KEY, 'content-type': 'application/json' }, '{"dryRun":true}'),
      REPLAY,
      async (req, _context, routeCall) => {
        seen = { call: routeCall, text: await req.text() };
        return { status: 202 };
      },
    );
    expect(seen.call?.principal?.id).toBe('dev');
    expect(seen.call?.body).toEqual({ dryRun: true });
    expect(seen.text).toBe('{"dryRun":true}');
  });

  it('audits a declared action with its outcome and resource', async () => {
    const audit = new AuditRecorder();
    await call(security({}, audit), request({ 'x-api-key': DEV_KEY }));
    expect(audit.events).toEqual([
      expect.objectContaining({
        actor: 'dev',
        action: 'thing.replay',
        resource: 'T1',
        outcome: 'success',
      }),
    ]);
  });

  it('withholds the answer with a 503 when the audit entry cannot be written', async () => {
    const audit = new AuditRecorder();
    audit.failing = true;
    const answer = await call(security({}, audit), request({ 'x-api-key': DEV_KEY }));
    expect(answer.status).toBe(503);
    expect(answer.body.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(answer.body).not.toHaveProperty('ok');
  });

  it('puts security headers on every answer, and no-store unless cacheable', async () => {
    const answer = await call(security(), request({ 'x-api-key': DEV_KEY }));
    expect(answer.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('cache-control')).toBe('no-store');

    const refused = await call(security(), request());
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });

  it('sends CORS headers to allowed origins only, and none when CORS is off', async () => {
    const allowed = 'https://portal.example.org';
    const on = security({ HL7GW_CORS_ORIGINS: allowed });
    const yes = await call(on, request({ 'x-api-key': DEV_KEY, origin: allowed }));
    const no = await call(on, request({ 'x-api-key': DEV_KEY, origin: 'https://evil.example' }));
    const off = await call(security(), request({ 'x-api-key': DEV_KEY, origin: allowed }));

    expect(yes.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(no.headers.get('access-control-allow-origin')).toBeNull();
    expect(off.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('marks a deprecated route with Deprecation, Sunset and Link', async () => {
    const answer = await call(security(), request({ 'x-api-key': DEV_KEY }), {
      ...REPLAY,
      deprecated: { since: '2026-01-01', sunset: '2026-12-31', link: '/docs/api-versioning' },
    });
    expect(answer.headers.get('deprecation')).toBe(`@${Date.UTC(2026, 0, 1) / 1000}`);
    expect(answer.headers.get('sunset')).toBe('Thu, 31 Dec 2026 00:00:00 GMT');
    expect(answer.headers.get('link')).toBe('</docs/api-versioning>; rel="deprecation"');
  });

  it('answers 413 for a declared length over the limit and 503 for a handler over time', async () => {
    const sec = security({ HL7GW_MAX_REQUEST_BYTES: '10', HL7GW_REQUEST_TIMEOUT_MS: '50' });
    const large = await call(sec, request({ 'x-api-key': DEV_KEY, 'content-length': '11' }));
    expect(large.body.code).toBe('PAYLOAD_TOO_LARGE');

    const slow = await call(sec, request({ 'x-api-key': DEV_KEY }), REPLAY, async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { status: 202 };
    });
    expect(slow.status).toBe(503);
    expect(slow.body.code).toBe('REQUEST_TIMEOUT');
    expect(slow.headers.get('retry-after')).not.toBeNull();
  });

  it('lets anonymous routes through without credentials, auditing nothing', async () => {
    const audit = new AuditRecorder();
    const answer = await call(security({}, audit), request(), {
      ...REPLAY,
      roles: 'anonymous',
      audit: undefined,
    });
    expect(answer.status).toBe(202);
    expect(audit.events).toEqual([]);
  });
});
