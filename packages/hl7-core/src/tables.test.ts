import { describe, expect, it } from 'vitest';
import {
  ABNORMAL_FLAGS,
  ADMINISTRATIVE_SEX,
  LEGACY_VERSIONS,
  OBSERVATION_RESULT_STATUS,
  PROCESSING_ID,
  STATUSES_WITHOUT_VALUE,
  SUPPORTED_VERSIONS,
  VALUE_TYPE,
} from './tables.js';

describe('HL7 tables', () => {
  it.each([
    [ADMINISTRATIVE_SEX, '0001', ['A', 'F', 'M', 'N', 'O', 'U'], ['SEX', 'Female', '']],
    [ABNORMAL_FLAGS, '0078', ['N', 'A', 'AA', 'H', 'HH', 'L', 'LL', '<', '>', 'POS'], ['X', '']],
    [OBSERVATION_RESULT_STATUS, '0085', ['C', 'D', 'F', 'I', 'N', 'O', 'P', 'X'], ['12', 'Z']],
    [PROCESSING_ID, '0103', ['D', 'P', 'T'], ['N', 'p']],
    [VALUE_TYPE, '0125', ['NM', 'SN', 'CWE', 'CE', 'TX', 'DTM', 'TS'], ['XX', 'nm']],
  ])('table %#: lists what it should and nothing else', (table, id, listed, unlisted) => {
    expect(table.id).toBe(id);
    for (const value of listed) expect(table.values.has(value)).toBe(true);
    for (const value of unlisted) expect(table.values.has(value)).toBe(false);
  });

  it('lets only statuses of table 0085 go without a value, and not final or corrected ones', () => {
    for (const status of STATUSES_WITHOUT_VALUE) {
      expect(OBSERVATION_RESULT_STATUS.values.has(status)).toBe(true);
    }
    expect([...STATUSES_WITHOUT_VALUE].sort()).toEqual(['D', 'I', 'N', 'O', 'U', 'X']);
    for (const status of ['C', 'F', 'P', 'R', 'S', 'W']) {
      expect(STATUSES_WITHOUT_VALUE.has(status)).toBe(false);
    }
  });

  it('accepts versions 2.1 to 2.8 and calls those before 2.5 legacy', () => {
    for (const version of ['2.1', '2.3', '2.3.1', '2.5.1', '2.7.1', '2.8']) {
      expect(SUPPORTED_VERSIONS.has(version)).toBe(true);
    }
    for (const version of ['2.0', '2.9', '3.0', '2.5.2']) {
      expect(SUPPORTED_VERSIONS.has(version)).toBe(false);
    }
    for (const version of LEGACY_VERSIONS) expect(SUPPORTED_VERSIONS.has(version)).toBe(true);
    expect(LEGACY_VERSIONS.has('2.5')).toBe(false);
  });
});
