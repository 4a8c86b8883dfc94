import { app, type HttpHandler, type HttpRequest, type InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createHost, type LocalHost } from './host.js';
import { isHostError } from './host-error.js';
import { silentHostLog } from './log.js';

const HOST_KEY = 'test-host-key';
let host: LocalHost;
let base: string;
let releaseSlow: (() => void) | undefined;
const hookCalls: string[] = [];

function registerTestFunctions(): void {
  app.http('getThing', {
    route: 'v1/things/{id}',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: (request: HttpRequest, context: InvocationContext) => ({
      jsonBody: {
        id: request.params.id,
        include: request.query.getAll('include'),
        functionName: context.functionName,
        header: request.headers.get('x-lab'),
      },
    }),
  });

  app.http('latestThing', {
    route: 'v1/things/latest',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: () => ({ body: 'latest' }),
  });

  app.http('countedItem', {
    route: 'v1/items/{n:int}',
    methods: ['GET', 'DELETE'],
    authLevel: 'anonymous',
    handler: (request: HttpRequest) => ({ body: `item ${request.params.n}` }),
  });

  app.http('echo', {
    route: 'v1/echo',
    methods: ['POST', 'PUT'],
    authLevel: 'anonymous',
    handler: async (request: HttpRequest) => ({
      status: 201,
      headers: {
        'content-type': request.headers.get('content-type') ?? 'application/octet-stream',
        'x-echo': 'yes',
      },
      body: Buffer.from(await request.arrayBuffer()),
      cookies: [{ name: 'session', value: 'abc', httpOnly: true, path: '/' }],
    }),
  });

  app.http('streamed', {
    route: 'v1/stream',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: () => {
      const chunks = ['one,', 'two,', 'three'];
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const chunk = chunks.shift();
          if (chunk === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(chunk));
        },
      });
      return { body, headers: { 'content-type': 'text/plain' } };
    },
  });

  app.http('secret', {
    route: 'v1/secret',
    methods: ['GET'],
    authLevel: 'function',
    handler: () => ({ body: 'opened' }),
  });

  app.http('broken', {
    route: 'v1/broken',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: () => {
      throw new Error('handler failed on purpose');
    },
  });

  app.http('nothing', {
    route: 'v1/nothing',
    methods: ['POST'],
    authLevel: 'anonymous',
    // Plain JavaScript apps may return nothing; the types do not allow it.
    handler: (() => undefined) as unknown as HttpHandler,
  });

  app.http('slow', {
    route: 'v1/slow',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: async () => {
      await new Promise<void>((resolve) => {
        releaseSlow = resolve;
      });
      return { body: 'finished' };
    },
  });

  // A function without a route is served at its name, as in Azure.
  app.get('health', () => ({ jsonBody: { status: 'ok' } }));

  app.hook.preInvocation((context) => {
    context.hookData.started = true;
    hookCalls.push(`pre:${context.invocationContext.functionName}`);
  });
  app.hook.postInvocation((context) => {
    if (context.hookData.started === true) {
      hookCalls.push(`post:${context.invocationContext.functionName}`);
    }
  });
}

beforeAll(async () => {
  host = createHost({
    port: 0,
    hostKey: HOST_KEY,
    maxRequestBodyBytes: 64 * 1024,
    log: silentHostLog,
  });
  await host.load(registerTestFunctions);
  await host.start();
  base = `${host.baseUrl}/api`;
});

afterAll(async () => {
  await host.stop();
});

describe('HTTP triggers registered through @azure/functions', () => {
  it('captures every registration with its route', () => {
    expect(host.functions.map((fn) => fn.describe)).toContain('GET /api/v1/things/{id}');
    expect(host.functions).toHaveLength(10);
  });

  it('passes route parameters, repeated query keys and headers to the handler', async () => {
    const response = await fetch(`${base}/v1/things/42?include=a&include=b`, {
      headers: { 'x-lab': 'north' },
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({
      id: '42',
      include: ['a', 'b'],
      functionName: 'getThing',
      header: 'north',
    });
  });

  it('prefers a literal route over a parameter', async () => {
    const response = await fetch(`${base}/v1/things/latest`);
    expect(await response.text()).toBe('latest');
  });

  it('percent-decodes route parameters', async () => {
    const response = await fetch(`${base}/v1/things/a%2Fb%20c`);
    expect(((await response.json()) as { id: string }).id).toBe('a/b c');
  });

  it('applies route constraints: a non-integer does not match {n:int}', async () => {
    expect((await fetch(`${base}/v1/items/7`)).status).toBe(200);
    expect((await fetch(`${base}/v1/items/seven`)).status).toBe(404);
  });

  it('answers 404 for an unknown route and outside the /api prefix', async () => {
    expect((await fetch(`${base}/v1/unknown`)).status).toBe(404);
    expect((await fetch(`${host.baseUrl}/v1/things/1`)).status).toBe(404);
  });

  it('answers 405 with Allow for a method the route does not take', async () => {
    const response = await fetch(`${base}/v1/items/7`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('DELETE, GET');
  });

  it('preserves request body bytes and returns status, headers, cookies and bytes', async () => {
    const bytes = Buffer.from([0x0b, 0x4d, 0x53, 0x48, 0x00, 0xff, 0xfe, 0x0d, 0x1c, 0x0d]);
    const response = await fetch(`${base}/v1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/hl7-v2' },
      body: bytes,
    });

    expect(response.status).toBe(201);
    expect(response.headers.get('x-echo')).toBe('yes');
    expect(response.headers.get('content-type')).toBe('application/hl7-v2');
    expect(response.headers.get('set-cookie')).toBe('session=abc; Path=/; HttpOnly');
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('sends a streamed response body', async () => {
    const response = await fetch(`${base}/v1/stream`);
    expect(await response.text()).toBe('one,two,three');
  });

  it('refuses a body above the limit with 413', async () => {
    const response = await fetch(`${base}/v1/echo`, {
      method: 'PUT',
      body: Buffer.alloc(64 * 1024 + 1, 0x41),
    });
    expect(response.status).toBe(413);
  });

  it.each([
    ['no key', {}, '', 401],
    ['a wrong key', { 'x-functions-key': 'wrong' }, '', 401],
    ['the host key header', { 'x-functions-key': HOST_KEY }, '', 200],
    ['the host key as ?code=', {}, `?code=${HOST_KEY}`, 200],
  ])('authLevel function with %s answers %i', async (_name, headers, query, status) => {
    const response = await fetch(`${base}/v1/secret${query}`, { headers });
    expect(response.status).toBe(status);
  });

  it('answers 500 when the handler throws', async () => {
    expect((await fetch(`${base}/v1/broken`)).status).toBe(500);
  });

  it('answers 204 when the handler returns nothing', async () => {
    expect((await fetch(`${base}/v1/nothing`, { method: 'POST' })).status).toBe(204);
  });

  it('serves a function without a route at its name', async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
  });

  it('runs pre- and post-invocation hooks around the handler, sharing hookData', async () => {
    hookCalls.length = 0;
    await fetch(`${base}/health`);
    expect(hookCalls).toEqual(['pre:health', 'post:health']);
  });

  it('refuses a registration made outside load', () => {
    let caught: unknown;
    try {
      app.http('stray', { handler: () => ({}) });
    } catch (error) {
      caught = error;
    }
    expect(isHostError(caught) && caught.code).toBe('REGISTRATION_OUTSIDE_LOAD');
  });
});

describe('graceful stop', () => {
  it('finishes an in-flight request, then refuses connections', async () => {
    const slow = fetch(`${base}/v1/slow`);
    await expect.poll(() => releaseSlow).toBeDefined();

    const stopped = host.stop();
    const probe = () =>
      fetch(`${base}/health`).then(
        () => 'accepted',
        () => 'refused',
      );
    await expect.poll(probe).toBe('refused');
    releaseSlow?.();

    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('finished');
    await stopped;
  });
});
