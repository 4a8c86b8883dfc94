import { describe, expect, it } from 'vitest';

import { systemClock, TestClock } from './clock.js';
import { createIdGenerator, gatewayIdTime, isGatewayId, newGatewayId } from './ids.js';

describe('gateway ids', () => {
  it('are ULIDs carrying the clock time', () => {
    const clock = new TestClock('2024-03-15T10:15:00.000Z');
    const next = createIdGenerator(clock);

    const id = next();

    expect(isGatewayId(id)).toBe(true);
    expect(gatewayIdTime(id).toISOString()).toBe('2024-03-15T10:15:00.000Z');
  });

  it('sort in creation order within one millisecond', () => {
    const next = createIdGenerator(new TestClock('2024-03-15T10:15:00.000Z'));

    const ids = Array.from({ length: 500 }, () => next());

    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(500);
  });

  it('come from the shared generator too', () => {
    expect(isGatewayId(newGatewayId())).toBe(true);
  });

  it.each(['', 'not-a-ulid', '01HRZ8J3K5W6X7Y8Z9A0B1C2D', 42, undefined])('rejects %s', (value) => {
    expect(isGatewayId(value)).toBe(false);
  });

  it('refuses to read the time of a malformed id', () => {
    expect(() => gatewayIdTime('nope')).toThrow(RangeError);
  });
});

describe('clocks', () => {
  it('a test clock stands still until set or advanced', () => {
    const clock = new TestClock('2024-01-01T00:00:00.000Z');

    expect(clock.now().toISOString()).toBe('2024-01-01T00:00:00.000Z');
    clock.advance(1_500);
    expect(clock.now().toISOString()).toBe('2024-01-01T00:00:01.500Z');
    clock.set(new Date('2025-06-01T12:00:00.000Z'));
    expect(clock.now().toISOString()).toBe('2025-06-01T12:00:00.000Z');
  });

  it('the system clock reads a fresh date each call', () => {
    const first = systemClock.now();
    first.setFullYear(1999);

    expect(systemClock.now().getFullYear()).toBeGreaterThan(2000);
  });
});
