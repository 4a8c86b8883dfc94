/**
 * Which processing failures are permanent, and how they are dead-lettered. A permanent
 * failure fails the same way on every delivery (the message cannot be read, breaks the
 * rules, or is of a type the gateway does not process), so it is dead-lettered at once
 * with a gateway error code as reason. Anything else is transient and is thrown, so the
 * bus delivers the message again, and dead-letters it after `maxDeliveryCount`.
 */
import { isHl7MappingError, isHl7ParseError, type Hl7MappingErrorCode } from '@hl7gw/hl7-core';
import {
  GatewayError,
  isGatewayError,
  isPlatformError,
  type GatewayErrorCode,
  type PlatformErrorCode,
} from '@hl7gw/platform';

/** A permanent failure as it is dead-lettered. */
export interface PermanentFailure {
  /** The dead-letter reason: a gateway error code. */
  code: GatewayErrorCode;
  /** Where in the message, in HL7 notation, when known. */
  location?: string;
  /** The dead-letter description: codes and a location only, never message content. */
  description: string;
}

// MULTIPLE_PATIENTS is content the gateway does not process: hl7-core files it as
// `unsupported`, the category of UNSUPPORTED_MESSAGE_TYPE.
const MAPPING_CODES: Record<Hl7MappingErrorCode, GatewayErrorCode> = {
  UNSUPPORTED_MESSAGE_TYPE: 'UNSUPPORTED_MESSAGE_TYPE',
  MULTIPLE_PATIENTS: 'UNSUPPORTED_MESSAGE_TYPE',
  PATIENT_MISSING: 'VALIDATION_FAILED',
  ORDER_MISSING: 'VALIDATION_FAILED',
  INVALID_DOCUMENT: 'VALIDATION_FAILED',
};

// Platform failures no retry can mend: a malformed envelope, a claim check that is gone, a
// result too large for the bus. Everything else from the platform (the bus or storage down,
// a timeout, a lost lock, a lost race) may pass on the next delivery.
const PLATFORM_CODES: Partial<Record<PlatformErrorCode, GatewayErrorCode>> = {
  ENVELOPE_INVALID: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  MESSAGE_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
};

/** `CODE (DETAIL) at LOCATION`, each part only when present. */
export function describeFailure(code: string, detailCode?: string, location?: string): string {
  const detail = detailCode === undefined || detailCode === code ? '' : ` (${detailCode})`;
  return `${code}${detail}${location === undefined ? '' : ` at ${location}`}`;
}

function failure(code: GatewayErrorCode, detailCode?: string, location?: string): PermanentFailure {
  return {
    code,
    ...(location === undefined ? {} : { location }),
    description: describeFailure(code, detailCode, location),
  };
}

/**
 * The gateway error a rule of the processor raises (unsupported type, failed validation),
 * carrying the finding's code in its detail.
 */
export function rejection(code: GatewayErrorCode, detailCode: string, location?: string) {
  return new GatewayError(code, describeFailure(code, detailCode, location), {
    ...(location === undefined ? {} : { location }),
  });
}

/**
 * The permanent failure `error` stands for, or undefined when it is transient: parse
 * errors are `PARSE_ERROR`, mapping errors by their code, non-retryable gateway errors as
 * they are, and the platform's unmendable failures by `PLATFORM_CODES`. Never throws.
 */
export function permanentFailure(error: unknown): PermanentFailure | undefined {
  if (isHl7ParseError(error)) return failure('PARSE_ERROR', error.code, error.location);
  if (isHl7MappingError(error)) {
    return failure(MAPPING_CODES[error.code] ?? 'VALIDATION_FAILED', error.code, error.location);
  }
  if (isGatewayError(error)) {
    if (error.spec.retryable) return undefined;
    // Gateway errors raised here carry a description built by `describeFailure`.
    return { code: error.code, description: error.message, ...locationOf(error) };
  }
  if (isPlatformError(error)) {
    const code = PLATFORM_CODES[error.code];
    return code === undefined ? undefined : failure(code, error.code);
  }
  return undefined;
}

function locationOf(error: GatewayError): { location?: string } {
  return error.location === undefined ? {} : { location: error.location };
}
