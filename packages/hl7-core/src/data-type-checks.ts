/**
 * Checks for the HL7 v2 data types the validator reads: NM, SN, DT, TM, DTM (and TS, whose
 * first component is a DTM), CE and CWE. Each takes unescaped values and only answers
 * whether they conform; where and how to report is the validator's business.
 */

/** HL7 NM (v2.5.1 section 2.A.47): an optional sign, digits, and an optional decimal point. */
const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

const DATE = /^(\d{4})(?:(\d{2})(\d{2})?)?$/;
const TIME = /^(\d{2})(?:(\d{2})(?:(\d{2})(?:\.\d{1,4})?)?)?([+-]\d{4})?$/;
const DATE_TIME =
  /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.\d{1,4})?)?)?)?)?)?([+-]\d{4})?$/;

const COMPARATORS: ReadonlySet<string> = new Set(['>', '<', '>=', '<=', '=', '<>']);
const SEPARATORS: ReadonlySet<string> = new Set(['-', '+', '/', '.', ':']);

/** True when `text` is an HL7 NM value (v2.5.1 section 2.A.47). */
export function isNumeric(text: string): boolean {
  return NUMERIC.test(text);
}

/**
 * True when the components of one repetition form an HL7 SN value (v2.5.1 section 2.A.74):
 * `[comparator] ^ num1 [^ separator/suffix [^ num2]]`. A range or ratio (`-`, `/`, `:`, `.`)
 * needs its second number; `+` may stand alone as a suffix (`2+`).
 */
export function isStructuredNumeric(components: readonly string[]): boolean {
  if (components.length > 4) return false;
  const [comparator = '', first = '', separator = '', second = ''] = components;

  if (comparator !== '' && !COMPARATORS.has(comparator)) return false;
  if (!isNumeric(first)) return false;
  if (separator === '') return second === '';
  if (!SEPARATORS.has(separator)) return false;
  if (second === '') return separator === '+';
  return isNumeric(second);
}

/** True when `text` is an HL7 DT value, `YYYY[MM[DD]]`, naming a real calendar date. */
export function isDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [, year, month, day] = match;
  return isCalendarDate(Number(year), month, day);
}

/** True when `text` is an HL7 TM value, `HH[MM[SS[.S{1,4}]]][+/-ZZZZ]`, a real time of day. */
export function isTime(text: string): boolean {
  const match = TIME.exec(text);
  if (!match) return false;
  const [, hour, minute, second, zone] = match;
  return isClockTime(hour, minute, second) && isZone(zone);
}

/**
 * True when `text` is an HL7 DTM value (v2.5.1 section 2.A.22),
 * `YYYY[MM[DD[HH[MM[SS[.S{1,4}]]]]]][+/-ZZZZ]`, naming a real date and time.
 * TS (section 2.A.77) carries a DTM in its first component.
 */
export function isDateTime(text: string): boolean {
  const match = DATE_TIME.exec(text);
  if (!match) return false;
  const [, year, month, day, hour, minute, second, zone] = match;
  return (
    isCalendarDate(Number(year), month, day) && isClockTime(hour, minute, second) && isZone(zone)
  );
}

/** The parts of a CE or CWE value (v2.5.1 sections 2.A.8 and 2.A.13) the checks look at. */
export interface CodedValue {
  /** Component 1, the identifier. */
  readonly identifier: string;
  /** Component 2, the text. */
  readonly text: string;
  /** Component 3, the name of the coding system. */
  readonly codingSystem: string;
  /** Component 4, the alternate identifier. */
  readonly alternateIdentifier: string;
  /** Component 5, the alternate text. */
  readonly alternateText: string;
  /** Component 6, the name of the alternate coding system. */
  readonly alternateCodingSystem: string;
}

/**
 * What a CE/CWE value lacks: `'empty'` when it has neither an identifier nor a text,
 * `'coding-system'` when an identifier comes without its coding system, `'ok'` otherwise.
 */
export function checkCoded(value: CodedValue): 'ok' | 'empty' | 'coding-system' {
  const named =
    value.identifier !== '' ||
    value.text !== '' ||
    value.alternateIdentifier !== '' ||
    value.alternateText !== '';
  if (!named) return 'empty';

  const primaryUnnamed = value.identifier !== '' && value.codingSystem === '';
  const alternateUnnamed = value.alternateIdentifier !== '' && value.alternateCodingSystem === '';
  return primaryUnnamed || alternateUnnamed ? 'coding-system' : 'ok';
}

function isCalendarDate(year: number, month?: string, day?: string): boolean {
  if (year < 1) return false;
  if (month === undefined) return true;
  const m = Number(month);
  if (m < 1 || m > 12) return false;
  if (day === undefined) return true;
  const d = Number(day);
  return d >= 1 && d <= daysInMonth(year, m);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isClockTime(hour?: string, minute?: string, second?: string): boolean {
  if (hour !== undefined && Number(hour) > 23) return false;
  if (minute !== undefined && Number(minute) > 59) return false;
  return second === undefined || Number(second) <= 59;
}

/** UTC offsets run from -12:00 to +14:00; anything past 14 hours is not a zone. */
function isZone(zone?: string): boolean {
  if (zone === undefined) return true;
  return Number(zone.slice(1, 3)) <= 14 && Number(zone.slice(3, 5)) <= 59;
}
