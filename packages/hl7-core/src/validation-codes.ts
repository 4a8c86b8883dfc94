/**
 * The closed list of validation finding codes, each mapped once to the HL7 table 0357
 * condition an ACK carries in ERR-3. A code never changes meaning; new rules get new codes.
 */
import type { Hl7ErrorCondition } from './validation-issue.js';

/**
 * Every code `validate` can report, in the order of the checks that raise them.
 *
 * - `REQUIRED_SEGMENT_MISSING`: a segment the message structure requires is absent (PID, OBR).
 * - `SEGMENT_OUT_OF_ORDER`: a segment of the structure stands where the structure does not allow it.
 * - `UNEXPECTED_SEGMENT`: a segment that is not part of the structure at all (Z-segments excepted).
 * - `REQUIRED_FIELD_MISSING`: a field the standard requires (MSH-10, PID-3, OBX-3...) is empty.
 * - `RECOMMENDED_FIELD_MISSING`: a field the standard leaves optional but routing needs (MSH-6).
 * - `INVALID_NUMERIC`: an NM value is not a number.
 * - `INVALID_STRUCTURED_NUMERIC`: an SN value is not comparator, number, separator, number.
 * - `INVALID_DATE_TIME`: a DT, TM or DTM/TS value is malformed or names no real date or time.
 * - `INVALID_CODED_VALUE`: a CE/CWE value holds neither an identifier nor a text.
 * - `CODING_SYSTEM_MISSING`: a CE/CWE identifier is given without its coding system.
 * - `TABLE_VALUE_NOT_FOUND`: a coded field holds a value its HL7 table does not list.
 * - `UNSUPPORTED_MESSAGE_TYPE`: MSH-9 names a type the profile does not accept.
 * - `UNSUPPORTED_VERSION`: MSH-12 names a version outside 2.1 to 2.8.
 * - `LEGACY_VERSION`: MSH-12 names a version before 2.5, older than the rules checked here.
 * - `OBX_FIELD_SHIFT`: OBX-4 was left out, so the value sits in OBX-4 and the units in OBX-5.
 * - `PARSER_REPAIR`: the parser had to repair the message to read it.
 */
export const VALIDATION_CODES = [
  'REQUIRED_SEGMENT_MISSING',
  'SEGMENT_OUT_OF_ORDER',
  'UNEXPECTED_SEGMENT',
  'REQUIRED_FIELD_MISSING',
  'RECOMMENDED_FIELD_MISSING',
  'INVALID_NUMERIC',
  'INVALID_STRUCTURED_NUMERIC',
  'INVALID_DATE_TIME',
  'INVALID_CODED_VALUE',
  'CODING_SYSTEM_MISSING',
  'TABLE_VALUE_NOT_FOUND',
  'UNSUPPORTED_MESSAGE_TYPE',
  'UNSUPPORTED_VERSION',
  'LEGACY_VERSION',
  'OBX_FIELD_SHIFT',
  'PARSER_REPAIR',
] as const;

/** One code from `VALIDATION_CODES`. */
export type ValidationCode = (typeof VALIDATION_CODES)[number];

/**
 * The HL7 table 0357 condition for each code (v2.5.1 section 2.15.5, ERR-3).
 * A parser repair means segment boundaries were wrong in the input, hence 100.
 */
export const VALIDATION_CONDITIONS: Readonly<Record<ValidationCode, Hl7ErrorCondition>> = {
  REQUIRED_SEGMENT_MISSING: '100',
  SEGMENT_OUT_OF_ORDER: '100',
  UNEXPECTED_SEGMENT: '100',
  REQUIRED_FIELD_MISSING: '101',
  RECOMMENDED_FIELD_MISSING: '101',
  INVALID_NUMERIC: '102',
  INVALID_STRUCTURED_NUMERIC: '102',
  INVALID_DATE_TIME: '102',
  INVALID_CODED_VALUE: '102',
  CODING_SYSTEM_MISSING: '102',
  TABLE_VALUE_NOT_FOUND: '103',
  UNSUPPORTED_MESSAGE_TYPE: '200',
  UNSUPPORTED_VERSION: '203',
  LEGACY_VERSION: '203',
  OBX_FIELD_SHIFT: '102',
  PARSER_REPAIR: '100',
};

/** True when `text` is one of the validation codes. */
export function isValidationCode(text: string): text is ValidationCode {
  return (VALIDATION_CODES as readonly string[]).includes(text);
}
