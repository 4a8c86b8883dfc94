/**
 * The HTTP surface of the whole gateway on the local host (the three apps' real
 * registrations, Azurite, the broker): every route documented and every documented route
 * served; the merged OpenAPI document passes the Redocly lint; and access control holds on
 * every route: 401 without credentials, 403 with the wrong role, 429 over the limit, 403
 * for a facility the caller does not own, Entra ID tokens accepted by role.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createHost, silentHostLog, type LocalHost } from '@hl7gw/local-host';
import { hashApiKey } from '@hl7gw/platform';
import { lintOpenApi, startAzurite } from '@hl7gw/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RESULTS_SUBSCRIPTION } from '../support/broker-config.js';
import { startTestBroker } from '../support/broker.js';
import { appSettings, requireBuiltApps } from '../support/gateway.js';
import { fhsBatch, oru } from '../support/hl7.js';
import { startTestIssuer, type TestIssuer } from './entra-issuer.js';

const ER7 = 'x-application/hl7-v2+er7';
const AUDIENCE = 'api://hl7gw-test';
const SOME_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const ANONYMOUS = ['/health', '/health/ready', '/openapi.json', '/docs', '/docs/{file}'];

/** API-key clients, each with some roles; keys in clear here, only hashes configured. */
const CLIENTS = {
  riverside: { key: 'riverside-lab-key-0123456789', roles: ['Results.Submit', 'Results.Read'] },
  reporter: { key: 'reporter-key-0123456789abcdef', roles: ['Reports.Read'] },
  limited: { key: 'limited-reader-key-0123456789', roles: ['Results.Read'] },
} as const;

interface Operation {
  method: string;
  path: string;
  roles: string[];
}

let host: LocalHost;
let api: string;
let issuer: TestIssuer;
let document: Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };
const stops: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const modules = requireBuiltApps();
  const dataDir = await mkdtemp(join(tmpdir(), 'hl7gw-api-'));
  stops.push(() => rm(dataDir, { recursive: true, force: true }));
  issuer = await startTestIssuer();
  stops.push(() => issuer.stop());
  const azurite = await startAzurite();
  stops.push(() => azurite.stop());
  const broker = await startTestBroker(dataDir, [RESULTS_SUBSCRIPTION]);
  stops.push(() => broker.close());

  const unlimited = { ratePerSecond: 1_000_000, burst: 1_000_000 };
  Object.assign(
    process.env,
    appSettings(azurite.connectionString, broker.connectionString, [RESULTS_SUBSCRIPTION], {
      HL7GW_API_KEYS: JSON.stringify(
        Object.entries(CLIENTS).map(([clientId, { key, roles }]) => ({
          clientId,
          roles,
          facilities: clientId === 'riverside' ? ['RIVERSIDE'] : [],
          keyHashes: [hashApiKey(key)],
        })),
      ),
      HL7GW_RATE_LIMITS: JSON.stringify({
        default: { submit: unlimited, read: unlimited, operator: unlimited },
        clients: { limited: { read: { ratePerSecond: 0.1, burst: 2 } } },
      }),
      HL7GW_ENTRA_TENANT_ID: issuer.tenantId,
      HL7GW_ENTRA_AUDIENCE: AUDIENCE,
      HL7GW_ENTRA_JWKS_URL: issuer.jwksUrl,
    }),
  );

  host = createHost({
    port: 0,
    serviceBusConnectionString: broker.connectionString,
    receiveWaitMs: 200,
    log: silentHostLog,
  });
  for (const module of modules) await host.load(module);
  await host.start();
  stops.push(() => host.stop());
  api = `${host.baseUrl}/api`;

  document = (await (await fetch(`${api}/openapi.json`)).json()) as typeof document;
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
});

/** Every documented operation that needs credentials. */
function protectedOperations(): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, op]) => ((op as { security?: unknown[] }).security ?? []).length > 0)
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        roles: (op as { 'x-roles': string[] })['x-roles'],
      })),
  );
}

async function send(operation: Operation, headers: Record<string, string> = {}) {
  const url = `${api}${operation.path.replace('{id}', SOME_ID)}`;
  const response = await fetch(url, {
    method: operation.method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(operation.method === 'POST' ? { body: '{}' } : {}),
  });
  const text = await response.text();
  return {
    response,
    code: text.startsWith('{') ? (JSON.parse(text) as { code?: string }).code : undefined,
  };
}

describe('the published contract', () => {
  it('documents every registered route, and registers every documented one', () => {
    const registered = host.functions
      .filter((fn) => fn.kind === 'http' && !fn.describe.startsWith('OPTIONS'))
      .flatMap((fn) => {
        const [methods = '', path = ''] = fn.describe.split(' ');
        return methods.split(',').map((method) => `${method} ${path.replace(/^\/api/, '')}`);
      });
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );

    expect(new Set(documented)).toEqual(new Set(registered));
    expect(documented.length).toBeGreaterThanOrEqual(15);
  });

  it('passes the Redocly lint with no errors and no warnings', async () => {
    const report = await lintOpenApi(document);
    expect(report.problems).toEqual([]);
  });

  it('serves the anonymous routes without credentials, and the docs page from the package', async () => {
    for (const path of ['/health', '/openapi.json', '/docs', '/docs/swagger-ui-bundle.js']) {
      const response = await fetch(`${api}${path}`);
      await response.arrayBuffer();
      expect([path, response.status]).toEqual([path, 200]);
    }
    const anonymous = Object.entries(document.paths)
      .filter(([, item]) =>
        Object.values(item).every((op) => (op as { security: unknown[] }).security.length === 0),
      )
      .map(([path]) => path);
    expect(anonymous.sort()).toEqual([...ANONYMOUS].sort());
  });
});

describe('access control on every route', () => {
  it('answers 401 UNAUTHENTICATED to every protected route without credentials', async () => {
    const operations = protectedOperations();
    expect(operations.length).toBeGreaterThanOrEqual(10);
    for (const operation of operations) {
      const { response, code } = await send(operation);
      expect([operation.method, operation.path, response.status, code]).toEqual([
        operation.method,
        operation.path,
        401,
        'UNAUTHENTICATED',
      ]);
      expect(response.headers.get('www-authenticate')).toMatch(/Bearer/);
    }
  });

  it('answers 401 to a key nobody holds and to a token for another audience', async () => {
    const status = { method: 'GET', path: '/v1/messages/{id}', roles: [] };
    expect((await send(status, { 'x-api-key': 'nobody-holds-this-key-0000' })).code).toBe(
      'UNAUTHENTICATED',
    );
    const foreign = issuer.token({
      audience: 'api://another-app',
      claims: { roles: ['Results.Read'] },
    });
    expect((await send(status, { authorization: `Bearer ${foreign}` })).code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('answers 403 FORBIDDEN to every protected route called with the wrong role', async () => {
    for (const operation of protectedOperations()) {
      const client = operation.roles.includes('Reports.Read')
        ? CLIENTS.riverside
        : CLIENTS.reporter;
      expect(client.roles.some((role) => operation.roles.includes(role))).toBe(false);
      const { response, code } = await send(operation, { 'x-api-key': client.key });
      expect([operation.method, operation.path, response.status, code]).toEqual([
        operation.method,
        operation.path,
        403,
        'FORBIDDEN',
      ]);
    }
  });

  it('accepts an Entra ID token by its roles claim, and refuses one without the role', async () => {
    const status = { method: 'GET', path: '/v1/messages/{id}', roles: [] };
    const reader = issuer.token({ audience: AUDIENCE, claims: { roles: ['Results.Read'] } });
    const { response } = await send(status, { authorization: `Bearer ${reader}` });
    expect(response.status).toBe(404);

    const none = issuer.token({ audience: AUDIENCE, claims: { roles: [] } });
    expect((await send(status, { authorization: `Bearer ${none}` })).code).toBe('FORBIDDEN');
  });

  it('answers 429 with Retry-After and rate headers past the client limit', async () => {
    const status = { method: 'GET', path: '/v1/messages/{id}', roles: [] };
    const answers = [];
    for (let i = 0; i < 3; i++)
      answers.push(await send(status, { 'x-api-key': CLIENTS.limited.key }));

    expect(answers.map(({ response }) => response.status)).toEqual([404, 404, 429]);
    const refused = answers[2]?.response as Response;
    expect(answers[2]?.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit-policy')).toBe('"read";q=2;w=20');
    expect(refused.headers.get('ratelimit')).toMatch(/^"read";r=0;t=\d+$/);
  });

  it('refuses a message for a facility the key does not own with 403 FACILITY_NOT_ALLOWED', async () => {
    const submit = (facility: string, controlId: string) =>
      fetch(`${api}/v1/messages`, {
        method: 'POST',
        headers: {
          'x-api-key': CLIENTS.riverside.key,
          'content-type': ER7,
          accept: 'application/json',
        },
        body: oru({ controlId, facility }),
      });

    const other = await submit('NORTHLAB', 'FAC-0001');
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ code: 'FACILITY_NOT_ALLOWED', location: 'MSH-4' });

    const own = await submit('RIVERSIDE', 'FAC-0002');
    expect(own.status).toBe(202);
    await own.arrayBuffer();
  });

  it('rejects only the batch members for a facility the key does not own', async () => {
    const response = await fetch(`${api}/v1/batches`, {
      method: 'POST',
      headers: { 'x-api-key': CLIENTS.riverside.key, 'content-type': ER7 },
      body: fhsBatch([
        oru({ controlId: 'FAC-0101', facility: 'RIVERSIDE' }),
        oru({ controlId: 'FAC-0102', facility: 'NORTHLAB' }),
      ]),
    });
    const answer = (await response.json()) as {
      accepted: { position: number }[];
      rejected: { position: number; code: string }[];
    };
    expect(response.status).toBe(202);
    expect(answer.accepted.map((member) => member.position)).toEqual([1]);
    expect(answer.rejected).toMatchObject([{ position: 2, code: 'FACILITY_NOT_ALLOWED' }]);
  });

  it('puts security headers on answers and refusals alike', async () => {
    const variants: Record<string, string>[] = [{ 'x-api-key': CLIENTS.riverside.key }, {}];
    for (const headers of variants) {
      const response = await fetch(`${api}/v1/messages/${SOME_ID}`, { headers });
      await response.arrayBuffer();
      expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});
