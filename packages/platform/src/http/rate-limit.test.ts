import { describe, expect, it } from 'vitest';

import {
  parseRateLimits,
  RateLimiter,
  rateLimitHeaders,
  RATE_LIMIT_DEFAULTS,
} from './rate-limit.js';

function limiterAt(json: unknown) {
  let now = 0;
  const limiter = new RateLimiter(
    parseRateLimits({ HL7GW_RATE_LIMITS: JSON.stringify(json) }),
    () => now,
  );
  return { limiter, advance: (ms: number) => (now += ms) };
}

describe('token buckets per client and route class', () => {
  it('lets a burst through, refuses the next, and refills at the rate', () => {
    const { limiter, advance } = limiterAt({ default: { submit: { ratePerSecond: 2, burst: 3 } } });

    const first = [1, 2, 3].map(() => limiter.take('lab-a', 'submit'));
    expect(first.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
    ]);
    const refused = limiter.take('lab-a', 'submit');
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 1 });

    advance(500);
    expect(limiter.take('lab-a', 'submit').allowed).toBe(true);
    expect(limiter.take('lab-a', 'submit').allowed).toBe(false);
  });

  it('keeps one bucket per client and per class', () => {
    const { limiter } = limiterAt({ default: { read: { ratePerSecond: 1, burst: 1 } } });
    expect(limiter.take('lab-a', 'read').allowed).toBe(true);
    expect(limiter.take('lab-a', 'read').allowed).toBe(false);
    expect(limiter.take('lab-b', 'read').allowed).toBe(true);
    expect(limiter.take('lab-a', 'submit').allowed).toBe(true);
  });

  it('applies a client override to its class only', () => {
    const { limiter } = limiterAt({
      clients: { 'lab-big': { submit: { ratePerSecond: 500, burst: 1000 } } },
    });
    expect(limiter.limitFor('lab-big', 'submit')).toEqual({ ratePerSecond: 500, burst: 1000 });
    expect(limiter.limitFor('lab-big', 'operator')).toEqual(RATE_LIMIT_DEFAULTS.operator);
    expect(limiter.limitFor('lab-small', 'submit')).toEqual(RATE_LIMIT_DEFAULTS.submit);
  });

  it('says a slow refill in whole seconds: one token every four seconds waits four', () => {
    const { limiter } = limiterAt({ default: { operator: { ratePerSecond: 0.25, burst: 1 } } });
    limiter.take('op', 'operator');
    const refused = limiter.take('op', 'operator');
    expect(refused.retryAfterSeconds).toBe(4);
    expect(rateLimitHeaders('operator', refused)).toEqual({
      'ratelimit-policy': '"operator";q=1;w=4',
      ratelimit: '"operator";r=0;t=4',
    });
  });

  it.each([
    ['not JSON', '{', /must be JSON/],
    ['an unknown class', { default: { bulk: { ratePerSecond: 1, burst: 1 } } }, /route class/],
    ['a zero rate', { default: { read: { ratePerSecond: 0, burst: 1 } } }, /ratePerSecond > 0/],
    [
      'a fractional burst',
      { clients: { a: { read: { ratePerSecond: 1, burst: 1.5 } } } },
      /integer burst/,
    ],
  ])('fails fast on %s', (_name, value, message) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    expect(() => parseRateLimits({ HL7GW_RATE_LIMITS: text })).toThrow(message);
  });
});
