/**
 * Normalising whatever a handler throws into the one boundary error, `GatewayError`, once,
 * at the edge. hl7-core's parse and mapping errors and the platform's dependency errors map
 * to their gateway codes; anything else becomes `INTERNAL_ERROR` with the original as
 * `cause`, so nothing unknown reaches a client.
 */
import { isHl7MappingError, isHl7ParseError, type Hl7ParseErrorCode } from '@hl7gw/hl7-core';
import {
  GatewayError,
  isGatewayError,
  isPlatformError,
  type GatewayErrorCode,
} from '@hl7gw/platform';

/** The gateway code for each reason the parser refuses input. */
const PARSE_CODES: Readonly<Record<Hl7ParseErrorCode, GatewayErrorCode>> = {
  EMPTY_INPUT: 'NOT_HL7',
  NOT_HL7: 'NOT_HL7',
  MSH_MISSING: 'NOT_HL7',
  BAD_ENCODING_CHARACTERS: 'PARSE_ERROR',
  UNSUPPORTED_CHARSET: 'PARSE_ERROR',
  BAD_SEGMENT: 'PARSE_ERROR',
  TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  BATCH_COUNT_MISMATCH: 'BATCH_INVALID',
  BATCH_STRUCTURE: 'BATCH_INVALID',
  MLLP_FRAME_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
};

/**
 * The `GatewayError` a thrown value stands for. Never throws. Messages of hl7-core and
 * platform errors name codes and locations only, so they are safe to pass on as details.
 */
export function toGatewayError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;

  if (isHl7ParseError(error)) {
    return new GatewayError(PARSE_CODES[error.code] ?? 'PARSE_ERROR', error.message, {
      cause: error,
      ...(error.location === undefined ? {} : { location: error.location }),
    });
  }
  if (isHl7MappingError(error)) {
    const code = error.code === 'UNSUPPORTED_MESSAGE_TYPE' ? error.code : 'VALIDATION_FAILED';
    return new GatewayError(code, error.message, {
      cause: error,
      ...(error.location === undefined ? {} : { location: error.location }),
    });
  }

  if (isPlatformError(error)) {
    if (error.code === 'MESSAGE_TOO_LARGE') {
      return new GatewayError('PAYLOAD_TOO_LARGE', 'The message does not fit the bus', {
        cause: error,
      });
    }
    if (error.retryable) {
      return new GatewayError('DEPENDENCY_UNAVAILABLE', 'The bus or storage is unavailable', {
        cause: error,
      });
    }
  }
  return new GatewayError('INTERNAL_ERROR', 'The gateway could not complete the request', {
    cause: error,
  });
}

/** True when the error says the bus or storage is down: the request may be retried. */
export function isDependencyFailure(error: GatewayError): boolean {
  return error.spec.retryable;
}
