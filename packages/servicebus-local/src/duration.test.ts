import { describe, expect, it } from 'vitest';

import { parseDurationMs } from './duration.js';

describe('parseDurationMs', () => {
  it.each([
    ['PT30S', 30_000],
    ['PT1M', 60_000],
    ['PT5M', 300_000],
    ['PT1H', 3_600_000],
    ['PT20S', 20_000],
    ['PT2S', 2_000],
    ['PT0.5S', 500],
    ['PT0,25S', 250],
    ['PT1.0005S', 1_001],
    ['PT0S', 0],
    ['P14D', 1_209_600_000],
    ['P1DT2H', 93_600_000],
    ['P1W', 604_800_000],
    ['P1M', 2_592_000_000],
    ['P1Y', 31_536_000_000],
    ['PT1H30M', 5_400_000],
    ['PT90M', 5_400_000],
    ['P0DT0H1M0S', 60_000],
    ['PT1.5H', 5_400_000],
    ['P10675199DT2H48M5.4775807S', 922_337_203_685_478],
  ])('reads %s as %i ms', (text, expectedMs) => {
    expect(parseDurationMs(text)).toBe(expectedMs);
  });

  it.each([
    [''],
    ['P'],
    ['PT'],
    ['P1DT'],
    ['30S'],
    ['pt30s'],
    ['-PT30S'],
    ['PT-30S'],
    ['PT30'],
    ['PT1S1M'],
    ['P1H'],
    ['PT.5S'],
    ['PT5S '],
    ['00:01:00'],
  ])('refuses %j', (text) => {
    expect(() => parseDurationMs(text)).toThrow(RangeError);
  });

  it('names the text it refuses', () => {
    expect(() => parseDurationMs('1 minute')).toThrow(
      "'1 minute' is not an ISO 8601 duration such as PT30S, PT1M, P14D or P1DT2H",
    );
  });

  it('refuses durations beyond what milliseconds can count exactly', () => {
    expect(() => parseDurationMs('P999999999999D')).toThrow('longer than this broker can count');
  });
});
