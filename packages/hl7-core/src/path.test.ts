import { describe, expect, it } from 'vitest';

import { formatLocation, parsePath } from './path.js';

describe('parsePath', () => {
  it.each([
    ['PID-5', { segment: 'PID', occurrence: 1, field: 5, repetition: 1, component: 0 }],
    ['PID-5.1', { segment: 'PID', occurrence: 1, field: 5, repetition: 1, component: 1 }],
    ['OBX[13]-5', { segment: 'OBX', occurrence: 13, field: 5, repetition: 1, component: 0 }],
    ['PID-3[2].4', { segment: 'PID', occurrence: 1, field: 3, repetition: 2, component: 4 }],
    ['MSH-9.2', { segment: 'MSH', occurrence: 1, field: 9, repetition: 1, component: 2 }],
    ['MSH-1', { segment: 'MSH', occurrence: 1, field: 1, repetition: 1, component: 0 }],
    ['ZPI-2', { segment: 'ZPI', occurrence: 1, field: 2, repetition: 1, component: 0 }],
    ['Z01-2', { segment: 'Z01', occurrence: 1, field: 2, repetition: 1, component: 0 }],
    ['5', { segment: '', occurrence: 1, field: 5, repetition: 1, component: 0 }],
    ['3.1', { segment: '', occurrence: 1, field: 3, repetition: 1, component: 1 }],
    ['3[2].1', { segment: '', occurrence: 1, field: 3, repetition: 2, component: 1 }],
    ['007', { segment: '', occurrence: 1, field: 7, repetition: 1, component: 0 }],
  ])('reads %s', (text, expected) => {
    expect(parsePath(text)).toEqual({ subcomponent: 0, ...expected });
  });

  it.each([
    ['PID-3.4.2', { segment: 'PID', field: 3, component: 4, subcomponent: 2 }],
    ['3.4.2', { segment: '', field: 3, component: 4, subcomponent: 2 }],
    ['OBR[2]-16[3].9.1', { segment: 'OBR', field: 16, component: 9, subcomponent: 1 }],
  ])('reads the subcomponent of %s', (text, expected) => {
    expect(parsePath(text)).toMatchObject(expected);
  });

  it('returns the same frozen object for the same text', () => {
    const first = parsePath('OBX[2]-5.1');

    expect(parsePath('OBX[2]-5.1')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it.each([
    [''],
    ['PID'],
    ['PID-'],
    ['pid-5'],
    ['1ID-5'],
    ['PIDX-5'],
    ['PI-5'],
    ['PID-5.'],
    ['PID-5..1'],
    ['PID-5.1.2.3'],
    ['PID-[2]'],
    ['PID[]-5'],
    ['PID[x]-5'],
    ['PID-5[2]-1'],
    ['PID_5'],
    ['PID-5 '],
    [' PID-5'],
    ['PID-5\n'],
    ['PID-0'],
    ['0'],
    ['PID[0]-5'],
    ['PID-5[0]'],
    ['PID-5.0'],
    ['PID-5.1.0'],
    ['PID-5.0.1'],
    ['PID--5'],
    ['PID-+5'],
    ['PID-5e3'],
    ['PID-1,5'],
    [`PID-${'9'.repeat(20)}`],
    [`OBX[${'9'.repeat(400)}]-5`],
  ])('throws a RangeError for %j', (text) => {
    expect(() => parsePath(text)).toThrow(RangeError);
  });
});

describe('formatLocation', () => {
  it.each<[[string, number, number?, number?], string]>([
    [['PID', 1], 'PID'],
    [['PID', 1, 5], 'PID-5'],
    [['OBX', 3, 5], 'OBX[3]-5'],
    [['OBX', 3, 5, 1], 'OBX[3]-5.1'],
    [['OBR', 1, 16, 0], 'OBR-16'],
  ])('writes %j as %s', (args, expected) => {
    expect(formatLocation(...args)).toBe(expected);
  });
});
