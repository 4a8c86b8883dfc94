/**
 * Every refusal of the operator API as `application/problem+json`: gateway errors as they
 * are, platform failures translated once here (a dependency down is a 503 with
 * `Retry-After`), anything else an `INTERNAL_ERROR` whose text never leaves the process.
 */
import type { HttpResponseInit } from '@azure/functions';
import {
  GatewayError,
  isGatewayError,
  isPlatformError,
  toProblemDetails,
  type PlatformErrorCode,
} from '@hl7gw/platform';

/** Seconds a client is asked to wait when a dependency is down. */
export const RETRY_AFTER_SECONDS = 5;

const TRANSLATED: Partial<Record<PlatformErrorCode, GatewayError['code']>> = {
  NOT_FOUND: 'NOT_FOUND',
  BUS_UNAVAILABLE: 'DEPENDENCY_UNAVAILABLE',
  STORAGE_UNAVAILABLE: 'DEPENDENCY_UNAVAILABLE',
  TIMEOUT: 'DEPENDENCY_UNAVAILABLE',
  MESSAGE_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
};

/**
 * The gateway error an exception is answered with: a `GatewayError` as it is, a
 * `PlatformError` by its code, anything else `INTERNAL_ERROR`; the original is kept as
 * `cause`. Never throws.
 */
export function toGatewayError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  const code = isPlatformError(error) ? TRANSLATED[error.code] : undefined;
  if (code === undefined) {
    return new GatewayError('INTERNAL_ERROR', 'The gateway could not complete the request', {
      cause: error,
    });
  }
  return new GatewayError(code, detailFor(code), { cause: error });
}

/** The problem details response for `error`. */
export function problemResponse(error: GatewayError, traceId: string): HttpResponseInit {
  const body = toProblemDetails(error, traceId);
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (error.code === 'DEPENDENCY_UNAVAILABLE') headers['retry-after'] = String(RETRY_AFTER_SECONDS);
  return { status: body.status, headers, jsonBody: body };
}

function detailFor(code: GatewayError['code']): string {
  switch (code) {
    case 'NOT_FOUND':
      return 'No such resource';
    case 'PAYLOAD_TOO_LARGE':
      return 'The message is larger than the bus accepts';
    default:
      return 'The bus or storage is unavailable; retry later';
  }
}
