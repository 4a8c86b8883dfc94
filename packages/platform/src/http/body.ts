/**
 * Reading a request body under a size limit: the declared `Content-Length` is checked
 * before anything is read, and the bytes actually received are counted as they arrive, so
 * a client that lies about the length (or sends it chunked) cannot make an app buffer more
 * than the limit.
 */
import type { HttpRequest } from '@azure/functions';
import { GatewayError } from '../gateway-error.js';

/**
 * The request body as bytes, at most `limitBytes` long.
 * @param request - The Functions HTTP request whose body is read (once).
 * @param limitBytes - The largest body accepted, in bytes.
 * @returns The body; empty when the request has none.
 * @throws GatewayError `PAYLOAD_TOO_LARGE` when the declared or actual size is larger.
 */
export async function readBody(request: HttpRequest, limitBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limitBytes) throw tooLarge(limitBytes);
  if (request.body === null) return new Uint8Array(0);

  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel();
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, total);
}

function tooLarge(limitBytes: number): GatewayError {
  return new GatewayError('PAYLOAD_TOO_LARGE', `The body is larger than ${limitBytes} bytes`);
}
