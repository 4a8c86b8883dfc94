import { ServiceBusError } from '@azure/service-bus';
import { RestError } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';

import {
  isPlatformError,
  PLATFORM_ERROR_RETRYABLE,
  PlatformError,
  toPlatformError,
  type Dependency,
  type PlatformErrorCode,
} from './errors.js';

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:10000`), { code });
}

describe('toPlatformError', () => {
  it.each([
    ['ServiceCommunicationProblem', 'BUS_UNAVAILABLE', true],
    ['ServiceBusy', 'BUS_UNAVAILABLE', true],
    ['ServiceTimeout', 'TIMEOUT', true],
    ['MessageLockLost', 'LOCK_LOST', false],
    ['SessionLockLost', 'LOCK_LOST', false],
    ['MessagingEntityNotFound', 'NOT_FOUND', false],
    ['MessageSizeExceeded', 'MESSAGE_TOO_LARGE', false],
    ['UnauthorizedAccess', 'UNAUTHORIZED', false],
  ] as const)('maps ServiceBusError %s to %s', (sbCode, code, retryable) => {
    const cause = new ServiceBusError('bus said no', sbCode);

    const error = toPlatformError(cause);

    expect(error).toMatchObject({ code, retryable });
    expect(error.cause).toBe(cause);
  });

  it.each([
    [404, 'NOT_FOUND'],
    [409, 'CONFLICT'],
    [412, 'CONFLICT'],
    [403, 'UNAUTHORIZED'],
    [429, 'STORAGE_UNAVAILABLE'],
    [500, 'STORAGE_UNAVAILABLE'],
    [503, 'STORAGE_UNAVAILABLE'],
  ] as const)('maps a RestError with status %i to %s', (statusCode, code) => {
    const cause = new RestError('storage said no', { statusCode, code: 'SomeStorageCode' });

    const error = toPlatformError(cause, 'storage');

    expect(error.code).toBe(code);
    expect(error.cause).toBe(cause);
    expect(error.message).toContain(`status ${statusCode}`);
  });

  it.each([
    ['ECONNREFUSED', 'bus', 'BUS_UNAVAILABLE'],
    ['ECONNREFUSED', 'storage', 'STORAGE_UNAVAILABLE'],
    ['ECONNRESET', 'storage', 'STORAGE_UNAVAILABLE'],
    ['ETIMEDOUT', 'bus', 'TIMEOUT'],
    ['ECONNREFUSED', undefined, 'UNKNOWN'],
  ] as const)('maps socket error %s from %s to %s', (errno, dependency, code) => {
    expect(toPlatformError(socketError(errno), dependency as Dependency | undefined).code).toBe(
      code,
    );
  });

  it('maps the SDK’s MessagingError for a refused connection to BUS_UNAVAILABLE', () => {
    const refused = Object.assign(new Error('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1'), {
      name: 'MessagingError',
      code: 'GeneralError',
      syscall: 'connect',
    });

    expect(toPlatformError(refused)).toMatchObject({ code: 'BUS_UNAVAILABLE', retryable: true });
  });

  it('finds a socket error the SDK wrapped as a cause', () => {
    const wrapped = new Error('request failed', { cause: socketError('ECONNREFUSED') });

    expect(toPlatformError(wrapped, 'storage').code).toBe('STORAGE_UNAVAILABLE');
  });

  it('maps an abort to TIMEOUT and anything else to UNKNOWN', () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });

    expect(toPlatformError(abort).code).toBe('TIMEOUT');
    expect(toPlatformError('a string').code).toBe('UNKNOWN');
    expect(toPlatformError(undefined).code).toBe('UNKNOWN');
  });

  it('passes a PlatformError through unchanged', () => {
    const original = new PlatformError('CONFLICT', 'etag changed');

    expect(toPlatformError(original, 'storage')).toBe(original);
  });

  it('never copies the underlying message, which may quote content', () => {
    const cause = new RestError('blob PID|1||9434765919 rejected', { statusCode: 400 });

    expect(toPlatformError(cause, 'storage').message).not.toContain('9434765919');
  });
});

describe('PlatformError', () => {
  it.each(Object.entries(PLATFORM_ERROR_RETRYABLE))('%s has retryable %s', (code, retryable) => {
    const error = new PlatformError(code as PlatformErrorCode, 'x');

    expect(error.retryable).toBe(retryable);
    expect(isPlatformError(error)).toBe(true);
  });

  it('is recognised by name and code across bundles', () => {
    const lookalike = Object.assign(new Error('x'), { name: 'PlatformError', code: 'TIMEOUT' });

    expect(isPlatformError(lookalike)).toBe(true);
    expect(isPlatformError(new Error('x'))).toBe(false);
  });
});
