/**
 * Converts between Node's HTTP objects and the RPC shapes `@azure/functions` reads and
 * writes: a request becomes `RpcHttpData` with the body bytes untouched, and the model's
 * HTTP output becomes status, headers, cookies and body on the wire.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { RpcHttpCookie, RpcHttpData, RpcTypedData } from '../core/core-types.js';

/** Raised while reading a request body that exceeds the limit. */
export class BodyTooLargeError extends Error {
  constructor(limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads the whole request body, refusing more than `maxBytes`.
 * @throws {BodyTooLargeError} when the declared or received length exceeds `maxBytes`.
 */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? '0');
  if (declared > maxBytes) throw new BodyTooLargeError(maxBytes);

  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    received += buffer.length;
    if (received > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Flattens Node's headers to one string per name, repeated values joined with `, `. */
export function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headersDistinct)) {
    if (value) headers[name] = value.join(', ');
  }
  return headers;
}

/**
 * The RPC request the programming model turns into an `HttpRequest`. The query is left to
 * the model, which then reads it from the URL and so keeps repeated keys.
 */
export function toRpcHttpRequest(
  request: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  body: Buffer,
): RpcHttpData {
  return {
    method: request.method ?? 'GET',
    url: url.href,
    headers: flattenHeaders(request),
    params,
    body: body.length > 0 ? { bytes: body } : null,
  };
}

function cookieHeader(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const expiresSeconds = cookie.expires?.value?.seconds;
  if (typeof expiresSeconds === 'number') {
    parts.push(`Expires=${new Date(expiresSeconds * 1000).toUTCString()}`);
  }
  if (typeof cookie.maxAge?.value === 'number') parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  if (cookie.sameSite === 'lax') parts.push('SameSite=Lax');
  if (cookie.sameSite === 'strict') parts.push('SameSite=Strict');
  if (cookie.sameSite === 'explicitNone') parts.push('SameSite=None');
  return parts.join('; ');
}

/** The bytes of a typed body, whatever form the model sent it in. */
export function bodyBytes(body: RpcTypedData | null | undefined): Buffer {
  if (!body) return Buffer.alloc(0);
  if (body.bytes) return Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.length);
  if (typeof body.string === 'string') return Buffer.from(body.string, 'utf8');
  if (typeof body.json === 'string') return Buffer.from(body.json, 'utf8');
  return Buffer.alloc(0);
}

/**
 * Writes the model's HTTP output. A missing output (the handler returned nothing) is a
 * `204 No Content`.
 */
export function writeRpcHttpResponse(
  response: ServerResponse,
  output: RpcHttpData | undefined,
  isHead: boolean,
): void {
  if (!output) {
    response.writeHead(204).end();
    return;
  }

  const status = Number(output.statusCode ?? '200') || 200;
  for (const [name, value] of Object.entries(output.headers ?? {})) response.setHeader(name, value);
  const cookies = (output.cookies ?? []).map(cookieHeader);
  if (cookies.length > 0) response.setHeader('set-cookie', cookies);

  const body = bodyBytes(output.body);
  const bodyAllowed = status !== 204 && status !== 304 && !(status >= 100 && status < 200);
  if (bodyAllowed) response.setHeader('content-length', body.length);
  response.writeHead(status);
  response.end(bodyAllowed && !isHead ? body : undefined);
}

/** Writes a small plain-text response produced by the host itself (404, 405, 413, 500). */
export function writeHostResponse(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  const body = Buffer.from(text, 'utf8');
  response.writeHead(status, {
    ...headers,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(body.length),
  });
  response.end(body);
}
