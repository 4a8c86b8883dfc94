import { describe, expect, it } from 'vitest';

import { differences, kindOf } from './differences.js';

describe('differences between result documents', () => {
  it('finds none between equal documents', () => {
    const document = { patient: { name: 'DOE^JANE' }, orders: [{ observations: [{ v: 1 }] }] };
    expect(differences(document, structuredClone(document))).toEqual([]);
  });

  it('names the path of each difference and the kinds of value, never the values', () => {
    const expected = {
      patient: { name: 'DOE^JANE', birthDate: '1970-01-01' },
      orders: [{ observations: [{ value: 4.1 }, { value: 'POS' }] }],
    };
    const actual = {
      patient: { name: 'DOE^JOHN' },
      orders: [{ observations: [{ value: '4.1' }] }],
      extra: true,
    };
    const found = differences(expected, actual);
    expect(found).toEqual([
      { path: '$.extra', expected: 'absent', actual: 'boolean' },
      { path: '$.orders[0].observations[0].value', expected: 'number', actual: 'string(3)' },
      {
        path: '$.orders[0].observations[1]',
        expected: 'object{value}',
        actual: 'absent',
      },
      { path: '$.patient.birthDate', expected: 'string(10)', actual: 'absent' },
      {
        path: '$.patient.name',
        expected: 'string(8)',
        actual: 'string(8), other content',
      },
    ]);
    const text = JSON.stringify(found);
    for (const value of ['DOE', 'JANE', 'JOHN', '1970', '4.1', 'POS']) {
      expect(text).not.toContain(value);
    }
  });

  it('describes kinds with their sizes', () => {
    expect([undefined, null, [1, 2], 'abc', { b: 1, a: 2 }, 7, false].map(kindOf)).toEqual([
      'absent',
      'null',
      'array(2)',
      'string(3)',
      'object{a,b}',
      'number',
      'boolean',
    ]);
  });
});
