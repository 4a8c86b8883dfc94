import { describe, expect, it } from 'vitest';

import { DEAD_LETTER_CATEGORIES } from './dead-letter-category.js';
import {
  GATEWAY_ERRORS,
  GatewayError,
  isGatewayError,
  toProblemDetails,
  type GatewayErrorCode,
} from './gateway-error.js';

const codes = Object.keys(GATEWAY_ERRORS) as GatewayErrorCode[];

describe('GATEWAY_ERRORS', () => {
  it.each(codes)('%s maps to a 4xx/5xx status, an AE/AR ACK and a known category', (code) => {
    const spec = GATEWAY_ERRORS[code];
    expect(spec.httpStatus).toBeGreaterThanOrEqual(400);
    expect(spec.httpStatus).toBeLessThan(600);
    expect(['AE', 'AR']).toContain(spec.ackCode);
    expect(DEAD_LETTER_CATEGORIES).toContain(spec.category);
  });

  it('only retries what can succeed later unchanged', () => {
    const retryable = codes.filter((code) => GATEWAY_ERRORS[code].retryable).sort();
    expect(retryable).toEqual([
      'DELIVERY_UNAVAILABLE',
      'DEPENDENCY_UNAVAILABLE',
      'INTERNAL_ERROR',
      'RATE_LIMITED',
      'REQUEST_TIMEOUT',
    ]);
  });
});

describe('toProblemDetails', () => {
  it('answers a gateway error with its code, status, location and trace id', () => {
    const error = new GatewayError('VALIDATION_FAILED', 'PID-3 is required and empty', {
      location: 'PID-3',
    });
    expect(toProblemDetails(error, 'trace-1')).toEqual({
      type: 'urn:hl7gw:problem:validation-failed',
      title: 'The message breaks validation rules',
      status: 422,
      detail: 'PID-3 is required and empty',
      code: 'VALIDATION_FAILED',
      location: 'PID-3',
      traceId: 'trace-1',
    });
  });

  it('never repeats the message of an unknown error, which may quote patient data', () => {
    const problem = toProblemDetails(new Error('PID|1||9434765919^^^NHS'));
    expect(problem.code).toBe('INTERNAL_ERROR');
    expect(JSON.stringify(problem)).not.toContain('9434765919');
  });

  it('recognises gateway errors by name and code across module copies', () => {
    const lookalike = Object.assign(new Error('x'), { name: 'GatewayError', code: 'NOT_FOUND' });
    expect(isGatewayError(lookalike)).toBe(true);
    expect(
      isGatewayError(Object.assign(new Error('x'), { name: 'GatewayError', code: 'NOPE' })),
    ).toBe(false);
  });
});
