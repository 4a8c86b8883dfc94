import { describe, expect, it } from 'vitest';

import { retryDelayMs } from './backoff.js';
import { CircuitBreaker } from './breaker.js';
import { classifyAck, classifyError, classifyHttpStatus } from './outcome.js';
import { signWebhook, verifyWebhook } from './signature.js';
import { operationOutcomeCodes } from './fhir.js';

describe('classifyHttpStatus', () => {
  it.each([
    [200, 'delivered'],
    [201, 'delivered'],
    [204, 'delivered'],
    [400, 'permanent'],
    [401, 'permanent'],
    [404, 'permanent'],
    [409, 'permanent'],
    [422, 'permanent'],
    [408, 'transient'],
    [425, 'transient'],
    [429, 'transient'],
    [500, 'transient'],
    [502, 'transient'],
    [503, 'transient'],
    [504, 'transient'],
    [302, 'permanent'],
  ])('HTTP %i is %s', (status, outcome) => {
    expect(classifyHttpStatus(status)).toEqual({ outcome, reason: `HTTP_${status}` });
  });

  it('keeps the detail in the reason', () => {
    expect(classifyHttpStatus(422, 'OperationOutcome:invalid').reason).toBe(
      'HTTP_422 OperationOutcome:invalid',
    );
  });
});

describe('classifyAck', () => {
  it.each([
    ['AA', 'delivered'],
    ['CA', 'delivered'],
    ['aa', 'delivered'],
    ['AE', 'permanent'],
    ['AR', 'permanent'],
    ['CE', 'permanent'],
    ['CR', 'permanent'],
    ['XX', 'transient'],
    [undefined, 'transient'],
  ])('MSA-1 %s is %s', (code, outcome) => {
    expect(classifyAck(code).outcome).toBe(outcome);
  });
});

describe('classifyError', () => {
  const withCode = (code: string) => Object.assign(new Error('x'), { code });

  it.each([
    ['ECONNREFUSED', 'transient', 'ECONNREFUSED'],
    ['ECONNRESET', 'transient', 'ECONNRESET'],
    ['ETIMEDOUT', 'transient', 'ETIMEDOUT'],
    ['TIMEOUT', 'transient', 'TIMEOUT'],
    ['NO_ACK', 'transient', 'NO_ACK'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'transient', 'TLS_ERROR'],
    ['DESTINATION_NOT_ALLOWED', 'permanent', 'DESTINATION_NOT_ALLOWED'],
    ['EWHATEVER', 'transient', 'NETWORK_ERROR'],
  ])('%s is %s as %s', (code, outcome, reason) => {
    expect(classifyError(withCode(code))).toEqual({ outcome, reason });
  });

  it('treats a throw without a code as transient', () => {
    expect(classifyError(new Error('boom'))).toEqual({
      outcome: 'transient',
      reason: 'NETWORK_ERROR',
    });
  });
});

describe('retryDelayMs', () => {
  const policy = { backoffBaseMs: 1_000, backoffMaxMs: 60_000 };

  it('doubles the ceiling per attempt and jitters within its upper half', () => {
    expect(retryDelayMs(1, policy, () => 0)).toBe(500);
    expect(retryDelayMs(1, policy, () => 0.999999)).toBe(1_000);
    expect(retryDelayMs(2, policy, () => 0)).toBe(1_000);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(3_000);
    expect(retryDelayMs(4, policy, () => 0)).toBe(4_000);
  });

  it('stops growing at the maximum', () => {
    expect(retryDelayMs(7, policy, () => 0.999999)).toBe(60_000);
    expect(retryDelayMs(50, policy, () => 0)).toBe(30_000);
  });

  it('spreads delays for the same attempt', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(5, policy)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(8_000);
      expect(delay).toBeLessThanOrEqual(16_000);
    }
  });
});

describe('CircuitBreaker', () => {
  const policy = { breakerFailureThreshold: 3, breakerCoolDownMs: 1_000 };

  it('opens after the threshold of consecutive failures, not before', () => {
    const breaker = new CircuitBreaker(policy);
    expect(breaker.failure(0)).toBe(false);
    expect(breaker.failure(10)).toBe(false);
    expect(breaker.request(20)).toEqual({ allowed: true, trial: false });
    expect(breaker.failure(20)).toBe(true);

    expect(breaker.state(500)).toBe('open');
    expect(breaker.request(500)).toEqual({ allowed: false, retryAtMs: 1_020 });
  });

  it('counts consecutive failures only: a success resets them', () => {
    const breaker = new CircuitBreaker(policy);
    breaker.failure(0);
    breaker.failure(0);
    breaker.success();
    breaker.failure(0);
    breaker.failure(0);
    expect(breaker.state(0)).toBe('closed');
  });

  it('lets one trial through when half-open; its success closes the circuit', () => {
    const breaker = new CircuitBreaker(policy);
    for (let i = 0; i < 3; i++) breaker.failure(0);

    expect(breaker.state(1_000)).toBe('half-open');
    expect(breaker.request(1_000)).toEqual({ allowed: true, trial: true });
    expect(breaker.request(1_001)).toEqual({ allowed: false, retryAtMs: 2_001 });
    breaker.success();
    expect(breaker.state(1_002)).toBe('closed');
    expect(breaker.request(1_002)).toEqual({ allowed: true, trial: false });
  });

  it('reopens for another cool-down when the trial fails', () => {
    const breaker = new CircuitBreaker(policy);
    for (let i = 0; i < 3; i++) breaker.failure(0);
    const decision = breaker.request(1_500);
    expect(decision).toEqual({ allowed: true, trial: true });

    expect(breaker.failure(1_600, true)).toBe(true);
    expect(breaker.request(2_000)).toEqual({ allowed: false, retryAtMs: 2_600 });
    expect(breaker.request(2_600)).toEqual({ allowed: true, trial: true });
  });
});

describe('webhook signatures', () => {
  const secret = 'k'.repeat(40);
  const body = '{"schemaVersion":1}';
  const now = Date.UTC(2024, 2, 5, 8, 35);

  it('signs timestamp and body, in the documented format', () => {
    const header = signWebhook(secret, body, now);

    expect(header).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
    expect(header.startsWith(`t=${now / 1000},`)).toBe(true);
    expect(verifyWebhook(secret, header, body, now)).toBeUndefined();
  });

  it('refuses another body, another secret, a stale or future time, and junk', () => {
    const header = signWebhook(secret, body, now);

    expect(verifyWebhook(secret, header, `${body} `, now)).toBe('MISMATCH');
    expect(verifyWebhook('x'.repeat(40), header, body, now)).toBe('MISMATCH');
    expect(verifyWebhook(secret, header, body, now + 5 * 60_000 + 1_000)).toBe('STALE');
    expect(verifyWebhook(secret, header, body, now - 10 * 60_000)).toBe('STALE');
    expect(verifyWebhook(secret, undefined, body, now)).toBe('MALFORMED');
    expect(verifyWebhook(secret, 't=abc,v1=00', body, now)).toBe('MALFORMED');
  });

  it('binds the timestamp: moving it breaks the signature', () => {
    const header = signWebhook(secret, body, now);
    const moved = header.replace(/^t=(\d+)/, (_, t: string) => `t=${Number(t) + 1}`);

    expect(verifyWebhook(secret, moved, body, now)).toBe('MISMATCH');
  });
});

describe('operationOutcomeCodes', () => {
  it('keeps issue codes and drops diagnostics', () => {
    const body = JSON.stringify({
      resourceType: 'OperationOutcome',
      issue: [
        { severity: 'error', code: 'invalid', diagnostics: 'Patient DOE^JANE bad' },
        { severity: 'error', code: 'required' },
        { severity: 'error', code: 'invalid' },
      ],
    });

    expect(operationOutcomeCodes(body)).toBe('OperationOutcome:invalid,required');
  });

  it('is empty for anything else', () => {
    expect(operationOutcomeCodes('<html>')).toBe('');
    expect(operationOutcomeCodes('{"resourceType":"Bundle"}')).toBe('');
    expect(
      operationOutcomeCodes('{"resourceType":"OperationOutcome","issue":[{"code":"Bad Code!"}]}'),
    ).toBe('OperationOutcome:');
  });
});
