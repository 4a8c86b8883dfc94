import { describe, expect, it } from 'vitest';
import { isValidationCode, VALIDATION_CODES, VALIDATION_CONDITIONS } from './validation-codes.js';

describe('validation codes', () => {
  it('lists each code once', () => {
    expect(new Set(VALIDATION_CODES).size).toBe(VALIDATION_CODES.length);
  });

  it('maps exactly the listed codes to a condition', () => {
    expect(Object.keys(VALIDATION_CONDITIONS).sort()).toEqual([...VALIDATION_CODES].sort());
  });

  it.each([
    ['REQUIRED_SEGMENT_MISSING', '100'],
    ['SEGMENT_OUT_OF_ORDER', '100'],
    ['UNEXPECTED_SEGMENT', '100'],
    ['REQUIRED_FIELD_MISSING', '101'],
    ['RECOMMENDED_FIELD_MISSING', '101'],
    ['INVALID_NUMERIC', '102'],
    ['INVALID_STRUCTURED_NUMERIC', '102'],
    ['INVALID_DATE_TIME', '102'],
    ['INVALID_CODED_VALUE', '102'],
    ['CODING_SYSTEM_MISSING', '102'],
    ['TABLE_VALUE_NOT_FOUND', '103'],
    ['UNSUPPORTED_MESSAGE_TYPE', '200'],
    ['UNSUPPORTED_VERSION', '203'],
    ['LEGACY_VERSION', '203'],
    ['OBX_FIELD_SHIFT', '102'],
    ['PARSER_REPAIR', '100'],
  ] as const)('maps %s to table 0357 condition %s', (code, condition) => {
    expect(VALIDATION_CONDITIONS[code]).toBe(condition);
  });

  it('tells codes from other text', () => {
    expect(isValidationCode('OBX_FIELD_SHIFT')).toBe(true);
    expect(isValidationCode('obx_field_shift')).toBe(false);
    expect(isValidationCode('JOINED_WRAPPED_LINE')).toBe(false);
  });
});
