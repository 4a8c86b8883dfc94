/**
 * The optional corrected message in a replay request: the HL7 text as
 * `x-application/hl7-v2+er7` or `text/plain`, or JSON `{ "message": "..." }`. An empty
 * body means "replay as parked".
 */
import type { HttpRequest } from '@azure/functions';
import { GatewayError } from '@hl7gw/platform';

import { isObject } from '../trigger-metadata.js';

const TEXT_TYPES = new Set(['x-application/hl7-v2+er7', 'text/plain']);

/**
 * The corrected message, or undefined when none was sent. Throws `GatewayError`:
 * `PAYLOAD_TOO_LARGE` above `maxBytes`, `UNSUPPORTED_MEDIA_TYPE` for another content type,
 * `BAD_REQUEST` for JSON without a text `message`.
 */
export async function readCorrection(
  request: HttpRequest,
  maxBytes: number,
): Promise<string | undefined> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);

  const body = await request.text();
  if (body.trim() === '') return undefined;
  if (Buffer.byteLength(body, 'utf8') > maxBytes) throw tooLarge(maxBytes);

  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === undefined || type === '' || TEXT_TYPES.has(type)) return body;
  if (type !== 'application/json') {
    throw new GatewayError(
      'UNSUPPORTED_MEDIA_TYPE',
      'A correction is x-application/hl7-v2+er7, text/plain or application/json',
    );
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new GatewayError('BAD_REQUEST', 'The body is not JSON', { cause: error });
  }
  if (!isObject(parsed)) throw new GatewayError('BAD_REQUEST', 'The body must be a JSON object');
  if (parsed.message === undefined) return undefined;
  if (typeof parsed.message !== 'string' || parsed.message.trim() === '') {
    throw new GatewayError('BAD_REQUEST', 'message must be the corrected HL7 message as text');
  }
  return parsed.message;
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError('PAYLOAD_TOO_LARGE', `The body is larger than ${maxBytes} bytes`);
}
