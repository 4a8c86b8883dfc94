import { Hl7MappingError, Hl7ParseError, type Hl7MappingErrorCode } from '@hl7gw/hl7-core';
import { GatewayError, PlatformError, type PlatformErrorCode } from '@hl7gw/platform';
import { describe, expect, it } from 'vitest';

import { describeFailure, permanentFailure, rejection } from './failure.js';

describe('permanentFailure', () => {
  it('dead-letters a parse error as PARSE_ERROR with its code and location', () => {
    const error = new Hl7ParseError('BAD_ENCODING_CHARACTERS', 'MSH-2 is unusable', 'MSH-2');

    expect(permanentFailure(error)).toEqual({
      code: 'PARSE_ERROR',
      location: 'MSH-2',
      description: 'PARSE_ERROR (BAD_ENCODING_CHARACTERS) at MSH-2',
    });
  });

  it.each<[Hl7MappingErrorCode, string]>([
    ['UNSUPPORTED_MESSAGE_TYPE', 'UNSUPPORTED_MESSAGE_TYPE'],
    ['MULTIPLE_PATIENTS', 'UNSUPPORTED_MESSAGE_TYPE'],
    ['PATIENT_MISSING', 'VALIDATION_FAILED'],
    ['ORDER_MISSING', 'VALIDATION_FAILED'],
    ['INVALID_DOCUMENT', 'VALIDATION_FAILED'],
  ])('dead-letters mapping error %s as %s', (mappingCode, code) => {
    const failure = permanentFailure(new Hl7MappingError(mappingCode, 'refused', 'PID'));

    expect(failure?.code).toBe(code);
    expect(failure?.location).toBe('PID');
  });

  it('keeps a rejection the processor raised, with its description', () => {
    const error = rejection('VALIDATION_FAILED', 'REQUIRED_FIELD_MISSING', 'PID-3');

    expect(permanentFailure(error)).toEqual({
      code: 'VALIDATION_FAILED',
      location: 'PID-3',
      description: 'VALIDATION_FAILED (REQUIRED_FIELD_MISSING) at PID-3',
    });
  });

  it.each<[PlatformErrorCode, string | undefined]>([
    ['ENVELOPE_INVALID', 'BAD_REQUEST'],
    ['NOT_FOUND', 'NOT_FOUND'],
    ['MESSAGE_TOO_LARGE', 'PAYLOAD_TOO_LARGE'],
    ['BUS_UNAVAILABLE', undefined],
    ['STORAGE_UNAVAILABLE', undefined],
    ['TIMEOUT', undefined],
    ['LOCK_LOST', undefined],
    ['CONFLICT', undefined],
    ['UNAUTHORIZED', undefined],
    ['UNKNOWN', undefined],
  ])('treats platform error %s as %s', (platformCode, code) => {
    expect(permanentFailure(new PlatformError(platformCode, 'failed'))?.code).toBe(code);
  });

  it('treats retryable gateway errors and unknown throws as transient', () => {
    expect(permanentFailure(new GatewayError('DEPENDENCY_UNAVAILABLE', 'down'))).toBeUndefined();
    expect(permanentFailure(new TypeError('x is undefined'))).toBeUndefined();
    expect(permanentFailure('a string')).toBeUndefined();
  });
});

describe('describeFailure', () => {
  it('names the code, the finding when it differs, and the location', () => {
    expect(describeFailure('UNSUPPORTED_MESSAGE_TYPE', 'UNSUPPORTED_MESSAGE_TYPE', 'MSH-9')).toBe(
      'UNSUPPORTED_MESSAGE_TYPE at MSH-9',
    );
    expect(describeFailure('BAD_REQUEST', 'ENVELOPE_INVALID')).toBe(
      'BAD_REQUEST (ENVELOPE_INVALID)',
    );
  });
});
