/**
 * Building HTTP answers: JSON, RFC 9457 problem details, and HL7 ACKs. A problem for a
 * retryable code (a dependency down) carries `Retry-After`.
 */
import type { HttpResponseInit } from '@azure/functions';
import { encodeText, type Charset, type Hl7Message } from '@hl7gw/hl7-core';
import { toProblemDetails, type GatewayError } from '@hl7gw/platform';

import { HL7_MEDIA_TYPE, JSON_MEDIA_TYPE, PROBLEM_MEDIA_TYPE } from './media.js';

/** A JSON answer. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return {
    status,
    headers: { 'content-type': JSON_MEDIA_TYPE, ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * A problem details answer for `error`, with `extensions` merged in (RFC 9457 allows
 * extension members). Retryable codes get `Retry-After: retryAfterSeconds`.
 */
export function problemResponse(
  error: GatewayError,
  options: { traceId?: string; retryAfterSeconds: number; extensions?: Record<string, unknown> },
): HttpResponseInit {
  const problem = { ...toProblemDetails(error, options.traceId), ...options.extensions };
  const headers: Record<string, string> = { 'content-type': PROBLEM_MEDIA_TYPE };
  if (error.spec.retryable) headers['retry-after'] = String(options.retryAfterSeconds);
  return { status: problem.status, headers, body: JSON.stringify(problem) };
}

/** hl7-core's charsets by their IANA names, for the `charset` parameter. */
const IANA_CHARSETS: Readonly<Record<Charset, string>> = {
  'utf-8': 'utf-8',
  latin1: 'iso-8859-1',
  ascii: 'us-ascii',
};

/** An HL7 answer (an ACK), encoded in the message's own charset. */
export function hl7Response(
  status: number,
  message: Hl7Message,
  headers: Record<string, string> = {},
): HttpResponseInit {
  const charset = IANA_CHARSETS[message.charset];
  return {
    status,
    headers: { 'content-type': `${HL7_MEDIA_TYPE}; charset=${charset}`, ...headers },
    body: Buffer.from(encodeText(message.toString(), message.charset)),
  };
}
