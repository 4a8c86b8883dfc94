/**
 * What the HTTP simulators share: a server on 127.0.0.1 (port 0 by default), request bodies
 * read whole, JSON answers, and a control API under `/_sim/` so a simulator running in
 * another process (`pnpm sim ...`) can be scripted and inspected too:
 *
 * - `GET /_sim/traffic`: what the simulator recorded;
 * - `POST /_sim/script`: a partial `Script` (`{"delayMs":200,"failureRate":0.1}`);
 * - `POST /_sim/outage`: `{"forMs":60000}` or `{}` until restored; `POST /_sim/restore`;
 * - `POST /_sim/force`: `{"responses":[...]}`, forced answers for the next requests;
 * - `POST /_sim/reset`: script and forced answers back to normal, traffic cleared.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import type { Behaviour, Script } from './behaviour.js';

/** A request as a handler sees it. */
export interface SimRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** An answer; a handler may instead return `'reset'` to drop the connection unanswered. */
export interface SimResponse {
  status: number;
  body?: unknown;
  contentType?: string;
}

/** Where a simulator listens. */
export interface ListenOptions {
  /** The port; 0 (the default) picks a free one. */
  port?: number;
  /** The address; `127.0.0.1` by default. */
  host?: string;
}

/** A running HTTP simulator. */
export interface HttpSim {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** The port listened on. */
  port: number;
  /** Stops listening and drops open connections. */
  stop(): Promise<void>;
}

/**
 * Starts a server that sends `/_sim/*` to the control API and everything else to `handle`.
 * `traffic()` is what `GET /_sim/traffic` shows; `clear()` empties it on reset.
 */
export async function startHttpSim<F>(
  options: ListenOptions,
  behaviour: Behaviour<F>,
  handle: (request: SimRequest) => Promise<SimResponse | 'reset'>,
  traffic: { get(): unknown; clear(): void },
): Promise<HttpSim> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    readBody(request).then(
      async (body) => {
        const path = (request.url ?? '/').split('?')[0] as string;
        const simRequest = {
          method: request.method ?? 'GET',
          path,
          headers: request.headers,
          body,
        };
        const answer = path.startsWith('/_sim/')
          ? control(simRequest, behaviour, traffic)
          : await handle(simRequest);
        if (answer === 'reset') return request.socket.destroy();
        write(response, answer);
      },
      () => request.socket.destroy(),
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function control<F>(
  request: SimRequest,
  behaviour: Behaviour<F>,
  traffic: { get(): unknown; clear(): void },
): SimResponse {
  const input = request.body === '' ? {} : (JSON.parse(request.body) as Record<string, unknown>);
  switch (`${request.method} ${request.path}`) {
    case 'GET /_sim/traffic':
      return { status: 200, body: traffic.get() };
    case 'GET /_sim/script':
      return { status: 200, body: behaviour.script };
    case 'POST /_sim/script':
      behaviour.update(input as Partial<Script>);
      return { status: 200, body: behaviour.script };
    case 'POST /_sim/outage':
      behaviour.outage(typeof input.forMs === 'number' ? input.forMs : undefined);
      return { status: 200, body: behaviour.script };
    case 'POST /_sim/restore':
      behaviour.restore();
      return { status: 200, body: behaviour.script };
    case 'POST /_sim/force':
      behaviour.force(...((input.responses as F[] | undefined) ?? []));
      return { status: 204 };
    case 'POST /_sim/reset':
      behaviour.reset();
      traffic.clear();
      return { status: 204 };
    default:
      return { status: 404, body: { error: 'unknown control route' } };
  }
}

function write(response: ServerResponse, answer: SimResponse): void {
  const text =
    answer.body === undefined
      ? ''
      : typeof answer.body === 'string'
        ? answer.body
        : JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    'content-type': answer.contentType ?? 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
