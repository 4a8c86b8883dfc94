import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hl7DateTimeToIso,
  hl7DateToIso,
  hl7TimeToIso,
  ISO_PATTERNS,
  isoToHl7DateTime,
  isoToHl7Time,
} from './datetime.js';

describe('hl7DateTimeToIso', () => {
  it.each([
    ['2019', '2019'],
    ['201907', '2019-07'],
    ['20190720', '2019-07-20'],
    ['20190720-0500', '2019-07-20'],
    ['2019072008', '2019-07-20T08:00'],
    ['201907200835', '2019-07-20T08:35'],
    ['20190720083500', '2019-07-20T08:35:00'],
    ['20190720083500-0500', '2019-07-20T08:35:00-05:00'],
    ['20230101010000-0000', '2023-01-01T01:00:00-00:00'],
    ['20190720083500+0530', '2019-07-20T08:35:00+05:30'],
    ['20190720083500.1', '2019-07-20T08:35:00.1'],
    ['20190720083500.1234+0000', '2019-07-20T08:35:00.1234+00:00'],
    ['20240229', '2024-02-29'],
  ])('reads %s as %s', (hl7, iso) => {
    expect(hl7DateTimeToIso(hl7)).toBe(iso);
    expect(new RegExp(ISO_PATTERNS.dateTime).test(iso)).toBe(true);
  });

  it.each([
    '',
    'DOB',
    '2019-07-20',
    '201',
    '20191301',
    '20230229',
    '20190732',
    '2019072024',
    '201907200860',
    '20190720083561',
    '20190720083500.12345',
    '20190720083500-05',
    '20190720083500-2400',
    '20190720083500 -0500',
  ])('refuses %j', (text) => {
    expect(hl7DateTimeToIso(text)).toBeUndefined();
  });
});

describe('hl7DateToIso', () => {
  it.each([
    ['2019', '2019'],
    ['201907', '2019-07'],
    ['20190720', '2019-07-20'],
  ])('reads %s as %s', (hl7, iso) => {
    expect(hl7DateToIso(hl7)).toBe(iso);
    expect(new RegExp(ISO_PATTERNS.date).test(iso)).toBe(true);
  });

  it.each(['201907200835', '20190720-0500', '20190230', 'July'])('refuses %j', (text) => {
    expect(hl7DateToIso(text)).toBeUndefined();
  });
});

describe('hl7TimeToIso', () => {
  it.each([
    ['08', '08:00'],
    ['0835', '08:35'],
    ['083500', '08:35:00'],
    ['083500.25', '08:35:00.25'],
    ['0835-0500', '08:35-05:00'],
  ])('reads %s as %s', (hl7, iso) => {
    expect(hl7TimeToIso(hl7)).toBe(iso);
    expect(new RegExp(ISO_PATTERNS.time).test(iso)).toBe(true);
  });

  it.each(['', '2400', '0860', '8:35', '083500.12345'])('refuses %j', (text) => {
    expect(hl7TimeToIso(text)).toBeUndefined();
  });
});

describe('isoToHl7DateTime', () => {
  it.each([
    ['2019', '2019'],
    ['2019-07', '201907'],
    ['2019-07-20', '20190720'],
    ['2019-07-20T08:35', '201907200835'],
    ['2019-07-20T08:35:00-05:00', '20190720083500-0500'],
    ['2019-07-20T08:35:00.123Z', '20190720083500.123+0000'],
  ])('writes %s as %s', (iso, hl7) => {
    expect(isoToHl7DateTime(iso)).toBe(hl7);
  });

  it.each(['', '2019-7', '2019-02-30', '2019-07-20T08', '2019-07-20 08:35', '2019-07-20T25:00'])(
    'refuses %j',
    (text) => {
      expect(isoToHl7DateTime(text)).toBeUndefined();
    },
  );

  it('is the inverse of hl7DateTimeToIso for every valid DTM without an hour-only time', () => {
    const dtm = fc
      .record({
        year: fc.integer({ min: 1900, max: 2099 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 28 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.integer({ min: 0, max: 59 }),
        fraction: fc.stringMatching(/^\d{1,4}$/),
        offset: fc.constantFrom('', '-0500', '+0000', '+1245', '-0000'),
        digits: fc.constantFrom(4, 6, 8, 12, 14, 15),
      })
      .map((p) => {
        const two = (n: number): string => String(n).padStart(2, '0');
        const full =
          `${p.year}${two(p.month)}${two(p.day)}${two(p.hour)}${two(p.minute)}${two(p.second)}` +
          `.${p.fraction}`;
        const body = p.digits === 15 ? full : full.slice(0, p.digits);
        return p.digits > 8 ? body + p.offset : body;
      });
    fc.assert(
      fc.property(dtm, (text) => {
        const iso = hl7DateTimeToIso(text);
        expect(iso).toBeDefined();
        expect(isoToHl7DateTime(iso as string)).toBe(text);
      }),
    );
  });
});

describe('isoToHl7Time', () => {
  it.each([
    ['08:35', '0835'],
    ['08:35:00.25', '083500.25'],
    ['08:35-05:00', '0835-0500'],
  ])('writes %s as %s', (iso, hl7) => {
    expect(isoToHl7Time(iso)).toBe(hl7);
  });

  it.each(['8:35', '24:00', '08'])('refuses %j', (text) => {
    expect(isoToHl7Time(text)).toBeUndefined();
  });
});
