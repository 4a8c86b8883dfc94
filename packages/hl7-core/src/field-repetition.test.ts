import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Charset } from './charset.js';
import { DEFAULT_DELIMITERS, type Delimiters } from './delimiters.js';
import { FieldRepetition, repetitionsOf } from './field-repetition.js';
import { Hl7Segment } from './segment.js';

const segment = (
  text: string,
  delimiters: Delimiters = DEFAULT_DELIMITERS,
  charset: Charset = 'utf-8',
) => new Hl7Segment(text, text.slice(0, 3), { delimiters, charset });

const OBX = segment(
  'OBX|1|CWE|718-7^Haemoglobin^LN^HB^Hb \\T\\ indices^L|1|N^Normal^HL70078~A^Abnormal|g/L|' +
    '115-165||||F|||20240611|RGT&Royal General&L^LAB',
);

describe('FieldRepetition', () => {
  it('reads components and subcomponents of one repetition, unescaped', () => {
    const code = new FieldRepetition(OBX, 3, 1);
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => code.componentValue(n))).toEqual([
      '718-7',
      'Haemoglobin',
      'LN',
      'HB',
      'Hb & indices',
      'L',
      '',
    ]);
    expect(code.rawComponent(5)).toBe('Hb \\T\\ indices');

    const producer = new FieldRepetition(OBX, 15, 1);
    expect(producer.subcomponentValue(1, 2)).toBe('Royal General');
    expect(producer.subcomponentValue(2, 1)).toBe('LAB');
    expect(producer.subcomponentValue(1, 4)).toBe('');
  });

  it('reads the repetition it names', () => {
    const second = new FieldRepetition(OBX, 5, 2);
    expect(second.raw).toBe('A^Abnormal');
    expect(second.componentValue(2)).toBe('Abnormal');
  });

  it.each([
    ['an absent field', 30, 1],
    ['an absent repetition', 5, 3],
    ['an empty field', 9, 1],
  ])('is empty for %s', (_case, field, rep) => {
    const empty = new FieldRepetition(OBX, field, rep);
    expect(empty.isEmpty).toBe(true);
    expect(empty.componentValue(1)).toBe('');
    expect(empty.subcomponentValue(1, 1)).toBe('');
  });

  it('reads MSH-1 and MSH-2 as single values', () => {
    const msh = segment('MSH|^~\\&|LIS|LAB');
    expect(new FieldRepetition(msh, 1, 1).componentValue(1)).toBe('|');
    expect(new FieldRepetition(msh, 2, 1).componentValue(1)).toBe('^~\\&');
    expect(new FieldRepetition(msh, 2, 1).componentValue(2)).toBe('');
  });

  it('decodes \\X..\\ in the charset of the message', () => {
    const nte = segment('NTE|1||Caf\\XE9\\ note', DEFAULT_DELIMITERS, 'latin1');
    expect(new FieldRepetition(nte, 3, 1).componentValue(1)).toBe('Café note');
  });
});

describe('repetitionsOf', () => {
  it.each([
    [3, 1],
    [5, 2],
    [9, 0],
    [30, 0],
  ])('counts the repetitions of OBX-%i as %i', (field, count) => {
    expect(repetitionsOf(OBX, field)).toBe(count);
    expect(repetitionsOf(OBX, field)).toBe(OBX.repetitionCount(field));
  });
});

describe('FieldRepetition and the segment agree', () => {
  const delimiterSets: Delimiters[] = [
    DEFAULT_DELIMITERS,
    { ...DEFAULT_DELIMITERS, field: '#', component: '$', repetition: '!', subcomponent: '%' },
    { ...DEFAULT_DELIMITERS, escape: '', subcomponent: '' },
    { ...DEFAULT_DELIMITERS, component: '', repetition: '', escape: '', subcomponent: '' },
  ];
  const piece = fc.constantFrom('A', 'b1', '""', ' ', '\\', '\\T\\', '\\X41\\', '\\H\\', '\\E\\');
  const separator = fc.constantFrom('|', '^', '~', '&', '#', '$', '!', '%');

  it('for every position of random segments, as segment.value and segment.raw read them', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...delimiterSets),
        fc.constantFrom('OBX', 'MSH', 'BHS'),
        fc.array(fc.oneof(piece, separator), { maxLength: 30 }),
        fc.constantFrom<Charset>('utf-8', 'latin1'),
        (delimiters, name, parts, charset) => {
          const text =
            name === 'OBX'
              ? `OBX${delimiters.field}${parts.join('')}`
              : `${name}${delimiters.field}${delimiters.component}${delimiters.repetition}` +
                `${delimiters.escape}${delimiters.subcomponent}${delimiters.field}${parts.join('')}`;
          const read = new Hl7Segment(text, name, { delimiters, charset });
          for (let field = 1; field <= 6; field++) {
            expect(repetitionsOf(read, field)).toBe(read.repetitionCount(field));
            for (let rep = 1; rep <= 3; rep++) {
              const repetition = new FieldRepetition(read, field, rep);
              expect(repetition.raw).toBe(read.raw(field, rep));
              for (let c = 1; c <= 4; c++) {
                expect(repetition.componentValue(c)).toBe(read.value(field, rep, c));
                expect(repetition.rawComponent(c)).toBe(read.raw(field, rep, c));
                for (let s = 1; s <= 3; s++) {
                  expect(repetition.subcomponentValue(c, s)).toBe(read.value(field, rep, c, s));
                }
              }
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
