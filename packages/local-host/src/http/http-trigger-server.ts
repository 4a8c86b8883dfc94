/**
 * Serves a host's HTTP triggers on the loopback interface under the route prefix
 * (`/api`), as the Functions host does: route templates, methods, auth levels, a body
 * size limit; and stops gracefully, finishing the requests already being handled.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { RpcHttpData } from '../core/core-types.js';
import type { FunctionApp, RegisteredFunction } from '../core/function-app.js';
import { invokeFunction } from '../core/invoke.js';
import type { HostLog } from '../log.js';
import {
  bodyBytes,
  BodyTooLargeError,
  readBody,
  toRpcHttpRequest,
  writeHostResponse,
  writeRpcHttpResponse,
} from './http-exchange.js';
import { type HttpRoute, lookupRoute } from './http-routes.js';
import type { MergeAnswer } from './merged-routes.js';

/** How the HTTP trigger server listens and what it accepts. */
export interface HttpTriggerServerOptions {
  port: number;
  /** Always a loopback address; the host is for one machine. */
  hostname: string;
  /** The route prefix without slashes (`api`); empty for none. */
  routePrefix: string;
  maxRequestBodyBytes: number;
  /** The key that opens `function` and `admin` routes; without one they answer 401. */
  hostKey: string | undefined;
}

function keyMatches(expected: string | undefined, given: string | null | undefined): boolean {
  if (!expected || !given) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function pathBelowPrefix(pathname: string, routePrefix: string): string[] | undefined {
  const parts = pathname.split('/').slice(1);
  if (routePrefix !== '') {
    const [first, ...rest] = parts;
    if (first?.toLowerCase() !== routePrefix.toLowerCase()) return undefined;
    parts.splice(0, parts.length, ...rest);
  }
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((part) => decodeURIComponent(part));
}

function toMergeAnswer(
  fn: RegisteredFunction | undefined,
  output: RpcHttpData | undefined | null,
): MergeAnswer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(output?.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  return {
    source: fn?.name ?? 'unknown',
    status: output ? Number(output.statusCode ?? '200') || 200 : 204,
    headers,
    body: bodyBytes(output?.body),
  };
}

function writeMergeAnswer(response: ServerResponse, answer: MergeAnswer, isHead: boolean): void {
  for (const [name, value] of Object.entries(answer.headers)) {
    if (name !== 'content-length') response.setHeader(name, value);
  }
  response.setHeader('content-length', answer.body.length);
  response.writeHead(answer.status);
  response.end(isHead ? undefined : answer.body);
}

function findHttpOutput(response: {
  returnValue?: { http?: RpcHttpData | null } | null;
  outputData?: { data?: { http?: RpcHttpData | null } | null }[] | null;
}): RpcHttpData | undefined {
  if (response.returnValue?.http) return response.returnValue.http;
  return response.outputData?.find((output) => output.data?.http)?.data?.http ?? undefined;
}

/** The HTTP listener of one host. */
export class HttpTriggerServer {
  readonly #server: Server;
  readonly #inFlight = new Set<Promise<void>>();
  #stopping = false;

  constructor(
    private readonly app: FunctionApp,
    private readonly routes: HttpRoute[],
    private readonly options: HttpTriggerServerOptions,
    private readonly log: HostLog,
  ) {
    this.#server = createServer((request, response) => {
      // A request counts as in flight until its response is flushed or its socket dies.
      const done = new Promise<void>((resolve) => response.once('close', resolve));
      this.#inFlight.add(done);
      void done.then(() => this.#inFlight.delete(done));

      this.#handle(request, response).catch((error: unknown) => {
        this.log({
          level: 'error',
          source: 'host',
          message: `HTTP request failed: ${String(error)}`,
        });
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
  }

  /** Starts listening; resolves with the port actually bound (useful with port 0). */
  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.options.port, this.options.hostname, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    return (this.#server.address() as AddressInfo).port;
  }

  /** Stops accepting requests, waits for those being handled, then closes every connection. */
  async close(): Promise<void> {
    this.#stopping = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();

    await Promise.allSettled([...this.#inFlight]);
    this.#server.closeAllConnections();
    await closed;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.#stopping) {
      writeHostResponse(response, 503, 'host is stopping', { connection: 'close' });
      return;
    }

    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`);
    let segments: string[] | undefined;
    try {
      segments = pathBelowPrefix(url.pathname, this.options.routePrefix);
    } catch {
      writeHostResponse(response, 400, 'malformed path');
      return;
    }
    const method = (request.method ?? 'GET').toUpperCase();
    const lookup = segments
      ? lookupRoute(this.routes, method, segments)
      : ({ outcome: 'not-found' } as const);

    if (lookup.outcome === 'not-found') {
      writeHostResponse(response, 404, 'not found');
      return;
    }
    if (lookup.outcome === 'method-not-allowed') {
      writeHostResponse(response, 405, 'method not allowed', { allow: lookup.allowed.join(', ') });
      return;
    }

    const { route, params } = lookup;
    if (route.authLevel !== 'anonymous') {
      const given = request.headers['x-functions-key'] ?? url.searchParams.get('code');
      if (!keyMatches(this.options.hostKey, Array.isArray(given) ? given[0] : given)) {
        writeHostResponse(response, 401, 'unauthorized');
        return;
      }
    }

    let body: Buffer;
    try {
      body = await readBody(request, this.options.maxRequestBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      writeHostResponse(response, 413, 'request body too large', { connection: 'close' });
      return;
    }

    await this.#invoke(route, request, response, url, params, body);
  }

  async #invoke(
    route: HttpRoute,
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    params: Record<string, string>,
    body: Buffer,
  ): Promise<void> {
    const isHead = request.method === 'HEAD';
    if (route.merged !== undefined) {
      const functions = [route.fn, ...route.merged.functions];
      const outputs = await Promise.all(
        functions.map((fn) => this.#call(fn, request, url, params, body)),
      );
      if (outputs.some((output) => output === null)) {
        if (!response.headersSent) response.writeHead(500, { 'content-length': '0' });
        response.end();
        return;
      }
      const answers = outputs.map((output, index) => toMergeAnswer(functions[index], output));
      writeMergeAnswer(response, route.merged.rule(answers), isHead);
      return;
    }

    const output = await this.#call(route.fn, request, url, params, body);
    if (output === null) {
      if (!response.headersSent) response.writeHead(500, { 'content-length': '0' });
      response.end();
      return;
    }
    writeRpcHttpResponse(response, output, isHead);
  }

  /** Invokes one function; its HTTP output, or null when the invocation failed (logged). */
  async #call(
    fn: RegisteredFunction,
    request: IncomingMessage,
    url: URL,
    params: Record<string, string>,
    body: Buffer,
  ): Promise<RpcHttpData | undefined | null> {
    const traceParent = request.headers.traceparent;
    const traceState = request.headers.tracestate;
    const http = toRpcHttpRequest(request, url, params, body);

    try {
      const result = await invokeFunction(
        this.app,
        fn,
        {
          triggerData: { http },
          traceContext:
            typeof traceParent === 'string'
              ? { traceParent, traceState: typeof traceState === 'string' ? traceState : null }
              : undefined,
        },
        this.log,
      );
      return findHttpOutput(result);
    } catch (error) {
      this.log({
        level: 'error',
        source: 'host',
        functionName: fn.name,
        message: `invocation failed: ${error instanceof Error ? error.message : String(error)}`,
      });
      return null;
    }
  }
}
