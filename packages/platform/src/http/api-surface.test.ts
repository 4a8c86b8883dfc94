import {
  HttpRequest,
  InvocationContext,
  type HttpFunctionOptions,
  type HttpResponseInit,
} from '@azure/functions';
import pino from 'pino';
import { describe, expect, it } from 'vitest';

import { lintOpenApi } from '../testing/openapi-lint.js';
import { ApiSurface } from './api-surface.js';
import { healthRoutes } from './health-routes.js';
import { createRouteSecurity } from './route-security.js';

function surface(env: Record<string, string> = {}) {
  const registered = new Map<string, HttpFunctionOptions>();
  const api = new ApiSurface({
    app: 'sample',
    info: {
      title: 'HL7 Results Gateway',
      version: '1.0.0',
      description: 'A sample app.',
      tags: { Things: 'Things.', Documentation: 'This document.' },
    },
    security: () =>
      createRouteSecurity(
        { HL7GW_DEV_API_KEY: 'surface-dev-key-0123456789' },
        {
          logger: pino({ level: 'silent' }),
        },
      ),
    register: (name, options) => registered.set(name, options),
    env,
  });
  api.route(
    {
      name: 'sampleGetThing',
      method: 'GET',
      route: 'v1/things/{id}',
      roles: ['Results.Read'],
      routeClass: 'read',
      summary: 'Read a thing',
      tags: ['Things'],
      audit: 'thing.read',
      deprecated: { since: '2026-01-01', sunset: '2027-01-01' },
      responses: {
        200: {
          description: 'The thing.',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
        404: { description: 'No such thing.' },
      },
    },
    async () => ({ status: 200, jsonBody: {} }),
  );
  api.publish();
  return { api, registered };
}

async function invoke(options: HttpFunctionOptions | undefined, url: string, params = {}) {
  const request = new HttpRequest({ method: 'GET', url, params });
  return (await options?.handler(request, new InvocationContext({ functionName: 'x' }))) as
    HttpResponseInit | undefined;
}

describe('an app API surface', () => {
  it('registers every route anonymous to the host, the pipeline doing authentication', () => {
    const { registered } = surface();
    expect([...registered.keys()]).toEqual([
      'sampleGetThing',
      'sampleOpenApi',
      'sampleDocs',
      'sampleDocsAsset',
    ]);
    expect([...registered.values()].every((o) => o.authLevel === 'anonymous')).toBe(true);
  });

  it('documents each route with its roles, class, audit action and deprecation', () => {
    const operation = surface().api.document().paths['/v1/things/{id}']?.get as Record<
      string,
      unknown
    >;
    expect(operation).toMatchObject({
      operationId: 'sampleGetThing',
      deprecated: true,
      security: [{ entraId: ['Results.Read'] }, { apiKey: ['Results.Read'] }],
      'x-roles': ['Results.Read'],
      'x-rate-limit-class': 'read',
      'x-audit-actions': ['thing.read'],
    });
    expect(Object.keys(operation.responses as object)).toEqual([
      '200',
      '401',
      '403',
      '404',
      '413',
      '429',
      '503',
    ]);
  });

  it('passes the Redocly lint with no errors and no warnings, health probes included', async () => {
    const { api } = surface();
    const { alive, ready } = healthRoutes('sample');
    api.route(alive, async () => ({ status: 200, jsonBody: { status: 'ok' } }));
    api.route(ready, async () => ({ status: 200, jsonBody: { status: 'ready' } }));

    const report = await lintOpenApi(api.document());

    expect(report.problems).toEqual([]);
    expect(api.document().info).toMatchObject({ license: { name: expect.any(String) } });
  });

  it('serves the document, the docs page and its assets from the package, not a CDN', async () => {
    const { registered } = surface();
    const document = await invoke(registered.get('sampleOpenApi'), 'http://h/api/openapi.json');
    expect((document?.jsonBody as { openapi: string }).openapi).toBe('3.1.0');

    const page = await invoke(registered.get('sampleDocs'), 'http://h/api/docs');
    expect(String(page?.body)).toContain('docs/swagger-ui-bundle.js');
    expect(String(page?.body)).not.toMatch(/https?:\/\//);

    const bundle = await invoke(registered.get('sampleDocsAsset'), 'http://h/api/docs/x', {
      file: 'swagger-ui-bundle.js',
    });
    expect(bundle?.status).toBe(200);
    expect((bundle?.body as Buffer).byteLength).toBeGreaterThan(100_000);

    const other = await invoke(registered.get('sampleDocsAsset'), 'http://h/api/docs/x', {
      file: '../package.json',
    });
    expect(other?.status).toBe(404);
  });

  it('registers a preflight route only when CORS origins are configured', () => {
    expect(surface().registered.has('sampleCorsPreflight')).toBe(false);
    const on = surface({ HL7GW_CORS_ORIGINS: 'https://portal.example.org' }).registered;
    expect(on.get('sampleCorsPreflight')).toMatchObject({ route: '{*path}', methods: ['OPTIONS'] });
  });
});
