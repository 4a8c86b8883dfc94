/**
 * The body of a message submission: HL7 as `x-application/hl7-v2+er7` or `text/plain`
 * (bytes, decoded later in the charset MSH-18 names), or JSON `{ "message": "..." }`.
 */
import type { HttpRequest } from '@azure/functions';
import { GatewayError, readBody } from '@hl7gw/platform';

import { HL7_MEDIA_TYPE, JSON_MEDIA_TYPE, mediaTypeOf, TEXT_MEDIA_TYPE } from './media.js';

/** The media types a message may be sent as. */
export const MESSAGE_MEDIA_TYPES: readonly string[] = [
  HL7_MEDIA_TYPE,
  TEXT_MEDIA_TYPE,
  JSON_MEDIA_TYPE,
];

// JSON escapes every segment terminator and quote: allow the envelope room to grow.
const JSON_OVERHEAD_FACTOR = 2;
const JSON_OVERHEAD_BYTES = 4096;

/**
 * The submitted message: the body's bytes for HL7 and text, the `message` string for JSON.
 * @throws GatewayError `UNSUPPORTED_MEDIA_TYPE` for other types, `PAYLOAD_TOO_LARGE` above
 *   `limitBytes` (the message itself, not its JSON), `BAD_REQUEST` for JSON without a
 *   non-empty `message` string.
 */
export async function readMessageBody(
  request: HttpRequest,
  limitBytes: number,
): Promise<Uint8Array | string> {
  const type = mediaTypeOf(request);
  if (!MESSAGE_MEDIA_TYPES.includes(type)) {
    throw new GatewayError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Send the message as ${MESSAGE_MEDIA_TYPES.join(', ')}`,
    );
  }
  if (type !== JSON_MEDIA_TYPE) return readBody(request, limitBytes);

  const bytes = await readBody(request, limitBytes * JSON_OVERHEAD_FACTOR + JSON_OVERHEAD_BYTES);
  const message = readJson(bytes).message;
  if (typeof message !== 'string' || message === '') {
    throw new GatewayError('BAD_REQUEST', 'The JSON body needs a non-empty "message" string');
  }
  if (Buffer.byteLength(message, 'utf8') > limitBytes) {
    throw new GatewayError('PAYLOAD_TOO_LARGE', `The message is larger than ${limitBytes} bytes`);
  }
  return message;
}

/**
 * The JSON object a body holds.
 * @throws GatewayError `BAD_REQUEST` when it is not JSON or not an object.
 */
export function readJson(bytes: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString());
  } catch (error) {
    throw new GatewayError('BAD_REQUEST', 'The body is not valid JSON', { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new GatewayError('BAD_REQUEST', 'The JSON body must be an object');
  return value as Record<string, unknown>;
}
