/**
 * Content types ingest reads and writes, and the little content negotiation it does: an
 * HL7 client that accepts `x-application/hl7-v2+er7` gets HL7 ACKs instead of JSON.
 */
import type { HttpRequest } from '@azure/functions';

/** The HL7 v2 "vertical bar" encoding's media type. */
export const HL7_MEDIA_TYPE = 'x-application/hl7-v2+er7';
/** JSON bodies. */
export const JSON_MEDIA_TYPE = 'application/json';
/** Plain text bodies, read as HL7. */
export const TEXT_MEDIA_TYPE = 'text/plain';
/** RFC 9457 problem details. */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** The request's media type, lower-case and without parameters; `''` when absent. */
export function mediaTypeOf(request: HttpRequest): string {
  const header = request.headers.get('content-type') ?? '';
  return (header.split(';')[0] ?? '').trim().toLowerCase();
}

/** True when the `Accept` header names `type` itself (not a wildcard) with a non-zero q. */
export function acceptsExplicitly(request: HttpRequest, type: string): boolean {
  const accept = request.headers.get('accept');
  if (accept === null) return false;
  return accept.split(',').some((range) => {
    const [name = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    return name === type && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/** True when the `Accept` header asks for JSON or problem details by name. */
function acceptsJson(request: HttpRequest): boolean {
  return (
    acceptsExplicitly(request, JSON_MEDIA_TYPE) || acceptsExplicitly(request, PROBLEM_MEDIA_TYPE)
  );
}

/** An accepted message is answered with a commit ACK when the client accepts HL7. */
export function wantsAckOnSuccess(request: HttpRequest): boolean {
  return acceptsExplicitly(request, HL7_MEDIA_TYPE);
}

/**
 * A rejected message is answered with a reject ACK when the client accepts HL7, or sent
 * HL7 without asking for JSON: an HL7 sender can read an ACK where it may not read JSON.
 */
export function wantsAckOnError(request: HttpRequest): boolean {
  if (acceptsExplicitly(request, HL7_MEDIA_TYPE)) return true;
  return mediaTypeOf(request) === HL7_MEDIA_TYPE && !acceptsJson(request);
}
