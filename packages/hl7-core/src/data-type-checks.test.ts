import { describe, expect, it } from 'vitest';
import {
  checkCoded,
  isDate,
  isDateTime,
  isNumeric,
  isStructuredNumeric,
  isTime,
  type CodedValue,
} from './data-type-checks.js';

describe('isNumeric (NM)', () => {
  it.each(['7.5', '0', '-12', '+3.25', '.5', '5.', '007', '1000000'])('accepts %s', (text) => {
    expect(isNumeric(text)).toBe(true);
  });

  it.each(['', '<2.22', '0 .07', '1,5', '1e3', '7.5.1', '+', '-.', 'NOVALUE', ' 7', '7 '])(
    'rejects %j',
    (text) => {
      expect(isNumeric(text)).toBe(false);
    },
  );
});

describe('isStructuredNumeric (SN)', () => {
  it.each([
    [['', '5']],
    [['>', '100']],
    [['<=', '0.5']],
    [['<>', '3']],
    [['', '100', '-', '200']],
    [['', '1', ':', '128']],
    [['', '1', '/', '3']],
    [['', '2', '+']],
    [['=', '4', '.', '5']],
  ])('accepts %j', (components) => {
    expect(isStructuredNumeric(components)).toBe(true);
  });

  it.each([
    [['']],
    [['>']],
    [['~', '5']],
    [['=>', '5']],
    [['', 'abc']],
    [['', '1', '-']],
    [['', '1', '', '2']],
    [['', '1', '*', '2']],
    [['', '1', ':', 'x']],
    [['', '1', ':', '2', 'extra']],
  ])('rejects %j', (components) => {
    expect(isStructuredNumeric(components)).toBe(false);
  });
});

describe('isDate (DT)', () => {
  it.each(['2024', '202402', '20240229', '20000229', '19991231'])('accepts %s', (text) => {
    expect(isDate(text)).toBe(true);
  });

  it.each(['', '20230229', '19000229', '20241301', '20240431', '20240100', '0000', '2024021'])(
    'rejects %j',
    (text) => {
      expect(isDate(text)).toBe(false);
    },
  );

  it('rejects a date carrying a time, which DT does not allow', () => {
    expect(isDate('202401160500-0500')).toBe(false);
  });
});

describe('isTime (TM)', () => {
  it.each(['12', '1230', '123059', '123059.1234', '0000+0100', '235959-0500'])(
    'accepts %s',
    (text) => {
      expect(isTime(text)).toBe(true);
    },
  );

  it.each(['', '2400', '1260', '123060', '12305', '123059.12345', '1230+1500', '1230+0160'])(
    'rejects %j',
    (text) => {
      expect(isTime(text)).toBe(false);
    },
  );
});

describe('isDateTime (DTM)', () => {
  it.each([
    '2024',
    '202402',
    '20240229',
    '2024022913',
    '202402291345',
    '20240229134559',
    '20240229134559.1',
    '20240229134559.1234',
    '20230101010000-0000',
    '20240506052913+1400',
  ])('accepts %s', (text) => {
    expect(isDateTime(text)).toBe(true);
  });

  it.each([
    '',
    'DOB',
    'February 4 2024',
    '201702291252-0500',
    '20240231',
    '2024010124',
    '202401012360',
    '20240101235960',
    '2024010123595.1',
    '20240101235959.12345',
    '20240101-05',
    '20240101+1500',
    '2024-01-01',
  ])('rejects %j', (text) => {
    expect(isDateTime(text)).toBe(false);
  });
});

describe('checkCoded (CE/CWE)', () => {
  const coded = (parts: Partial<CodedValue>): CodedValue => ({
    identifier: '',
    text: '',
    codingSystem: '',
    alternateIdentifier: '',
    alternateText: '',
    alternateCodingSystem: '',
    ...parts,
  });

  it.each([
    ['a code with its system', coded({ identifier: '718-7', codingSystem: 'LN' }), 'ok'],
    ['text alone', coded({ text: 'Hemoglobin' }), 'ok'],
    [
      'an alternate code with its system',
      coded({ alternateIdentifier: 'HGB', alternateCodingSystem: 'L' }),
      'ok',
    ],
    ['nothing at all', coded({}), 'empty'],
    ['only a coding system', coded({ codingSystem: 'LN' }), 'empty'],
    ['a code without system', coded({ identifier: 'WBC', text: 'White cells' }), 'coding-system'],
    [
      'an alternate code without system',
      coded({ identifier: '6690-2', codingSystem: 'LN', alternateIdentifier: 'WBC' }),
      'coding-system',
    ],
  ])('judges %s', (_name, value, expected) => {
    expect(checkCoded(value)).toBe(expected);
  });
});
