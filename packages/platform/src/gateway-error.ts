/**
 * The gateway's one error type at its boundaries (HTTP, HL7 ACKs, dead letters), with a
 * closed list of codes. Each code is mapped once, here, to an HTTP status, the ACK code an
 * HL7 client gets, the dead-letter category it is parked under, and whether retrying can
 * help. Messages are built from codes and locations, never from field contents.
 */
import type { DeadLetterCategory } from './dead-letter-category.js';

/** How one code is answered everywhere. */
export interface GatewayErrorSpec {
  /** The HTTP status of an `application/problem+json` answer. */
  readonly httpStatus: number;
  /** MSA-1 for an HL7 client: AE (error, resend after fixing) or AR (rejected). */
  readonly ackCode: 'AE' | 'AR';
  /** Where a message failing with this code is parked. */
  readonly category: DeadLetterCategory;
  /** Whether the same request can succeed later unchanged. */
  readonly retryable: boolean;
  /** A short, fixed title for problem details. */
  readonly title: string;
}

/** Every code, with its one mapping. */
export const GATEWAY_ERRORS = {
  NOT_HL7: spec(400, 'AR', 'parse', false, 'The body is not an HL7 v2 message'),
  PARSE_ERROR: spec(400, 'AR', 'parse', false, 'The HL7 message cannot be read'),
  BATCH_INVALID: spec(400, 'AR', 'parse', false, 'The batch cannot be read'),
  BAD_REQUEST: spec(400, 'AR', 'validation', false, 'The request is malformed'),
  VALIDATION_FAILED: spec(422, 'AE', 'validation', false, 'The message breaks validation rules'),
  BATCH_REJECTED: spec(422, 'AR', 'validation', false, 'The atomic batch has rejected members'),
  UNSUPPORTED_MESSAGE_TYPE: spec(
    422,
    'AR',
    'unsupported',
    false,
    'The message type is not supported',
  ),
  UNSUPPORTED_MEDIA_TYPE: spec(
    415,
    'AR',
    'unsupported',
    false,
    'The content type is not supported',
  ),
  PAYLOAD_TOO_LARGE: spec(413, 'AR', 'unsupported', false, 'The body is larger than allowed'),
  DUPLICATE_MESSAGE: spec(409, 'AE', 'duplicate', false, 'The message was already received'),
  UNAUTHENTICATED: spec(401, 'AR', 'unknown', false, 'Authentication is required'),
  FORBIDDEN: spec(403, 'AR', 'unknown', false, 'The caller lacks the role for this'),
  FACILITY_NOT_ALLOWED: spec(403, 'AR', 'unknown', false, 'The caller may not submit for MSH-4'),
  NOT_FOUND: spec(404, 'AE', 'unknown', false, 'No such resource'),
  REPLAY_LIMIT_REACHED: spec(409, 'AE', 'unknown', false, 'The message was replayed too often'),
  RATE_LIMITED: spec(429, 'AE', 'unknown', true, 'Too many requests'),
  DELIVERY_REJECTED: spec(502, 'AE', 'delivery', false, 'A destination refused the result'),
  DELIVERY_UNAVAILABLE: spec(503, 'AE', 'delivery', true, 'A destination is unavailable'),
  EXPIRED: spec(410, 'AE', 'expired', false, 'The message expired before processing'),
  MAX_DELIVERY: spec(500, 'AE', 'max-delivery', false, 'Processing failed on every attempt'),
  DEPENDENCY_UNAVAILABLE: spec(503, 'AE', 'unknown', true, 'A dependency is unavailable'),
  REQUEST_TIMEOUT: spec(503, 'AE', 'unknown', true, 'The request took longer than allowed'),
  INTERNAL_ERROR: spec(500, 'AE', 'unknown', true, 'Internal error'),
} as const satisfies Record<string, GatewayErrorSpec>;

/** One of the gateway's error codes. */
export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

function spec(
  httpStatus: number,
  ackCode: 'AE' | 'AR',
  category: DeadLetterCategory,
  retryable: boolean,
  title: string,
): GatewayErrorSpec {
  return { httpStatus, ackCode, category, retryable, title };
}

/** An error a boundary answers with: a code, a safe detail, and an optional location. */
export class GatewayError extends Error {
  /** The code, one of `GATEWAY_ERRORS`. */
  readonly code: GatewayErrorCode;
  /** Where in the message, in HL7 notation (`PID-3`), when known. */
  readonly location: string | undefined;

  /**
   * @param detail A sentence naming the rule and location, never field contents.
   */
  constructor(
    code: GatewayErrorCode,
    detail: string,
    options?: ErrorOptions & { location?: string },
  ) {
    super(detail, options);
    this.name = 'GatewayError';
    this.code = code;
    this.location = options?.location;
  }

  /** How this error is answered: status, ACK code, category, retryable, title. */
  get spec(): GatewayErrorSpec {
    return GATEWAY_ERRORS[this.code];
  }
}

/** True when `error` is a `GatewayError`, checked by name and code so it holds across bundles. */
export function isGatewayError(error: unknown): error is GatewayError {
  if (error instanceof GatewayError) return true;
  if (!(error instanceof Error) || error.name !== 'GatewayError') return false;
  const code: unknown = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && code in GATEWAY_ERRORS;
}

/** An RFC 9457 problem details body. */
export interface ProblemDetails {
  /** A URI naming the problem type: `urn:hl7gw:problem:<code>`. */
  readonly type: string;
  /** The fixed title of the code. */
  readonly title: string;
  /** The HTTP status. */
  readonly status: number;
  /** What went wrong, naming rule and location, never field contents. */
  readonly detail: string;
  /** The gateway error code. */
  readonly code: GatewayErrorCode;
  /** Where in the message, when known. */
  readonly location?: string;
  /** The W3C trace id of the request, for support. */
  readonly traceId?: string;
}

/** The problem details for `error`; anything not a `GatewayError` becomes `INTERNAL_ERROR`. */
export function toProblemDetails(error: unknown, traceId?: string): ProblemDetails {
  const known = isGatewayError(error) ? error : undefined;
  const code: GatewayErrorCode = known?.code ?? 'INTERNAL_ERROR';
  const { httpStatus, title } = GATEWAY_ERRORS[code];
  return {
    type: `urn:hl7gw:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status: httpStatus,
    // An unknown error's message may quote data; only a gateway error's detail is known safe.
    detail: known ? known.message : 'The gateway could not complete the request',
    code,
    ...(known?.location ? { location: known.location } : {}),
    ...(traceId ? { traceId } : {}),
  };
}
