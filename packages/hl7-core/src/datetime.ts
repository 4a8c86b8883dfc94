/**
 * HL7 v2 dates and times (v2.5.1 sections 2.A.21 DT, 2.A.22 DTM, 2.A.75 TM, 2.A.77 TS)
 * written as ISO 8601 strings that keep the sender's precision and UTC offset, and back.
 *
 * The rule, one line per precision of the HL7 value:
 * - `2019` → `2019`, `201907` → `2019-07`, `20190720` → `2019-07-20` (a date; an offset on a
 *   date alone is dropped, as ISO 8601 has no place for it);
 * - `2019072008` → `2019-07-20T08:00`: an hour alone is widened to minutes, the one step where
 *   precision is not kept, because ISO 8601 date-times in JSON and FHIR need minutes;
 * - `201907200835` → `2019-07-20T08:35`, `20190720083500` → `2019-07-20T08:35:00`,
 *   `20190720083500.1234` → `2019-07-20T08:35:00.1234`;
 * - an offset is kept as written: `-0500` → `-05:00`, `+0000` → `+00:00` (never `Z`), and a
 *   time without one stays without one (the sender's local time, offset unknown).
 */

const HL7_DATE_TIME =
  /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?([+-]\d{4})?$/;
const HL7_TIME = /^(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?([+-]\d{4})?$/;
const ISO_DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,4}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
const ISO_TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,4}))?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * The canonical ISO 8601 forms the result document uses, as regular expression sources
 * (also written into `schemas/result.schema.json`).
 */
export const ISO_PATTERNS = Object.freeze({
  /** A date of year, month or day precision: `2019`, `2019-07`, `2019-07-20`. */
  date: '^\\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\\d|3[01]))?)?$',
  /** A date, or a date and time to minutes or finer with an optional `±hh:mm` offset. */
  dateTime:
    '^\\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\\d|3[01])(T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,4})?)?([+-]([01]\\d|2[0-3]):[0-5]\\d)?)?)?)?$',
  /** A time of day to minutes or finer with an optional `±hh:mm` offset. */
  time: '^([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,4})?)?([+-]([01]\\d|2[0-3]):[0-5]\\d)?$',
});

/**
 * Converts an HL7 DTM (or the time of a TS) to ISO 8601, keeping its precision and offset
 * by the rule in this module's header.
 * Returns undefined when the text is not a valid DTM (a month 13, a 30th of February, `DOB`).
 */
export function hl7DateTimeToIso(text: string): string | undefined {
  const m = HL7_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction, offset] = m as (string | undefined)[];

  if (!validDate(year as string, month, day)) return undefined;
  if (!validClock(hour, minute, second) || !validOffset(offset)) return undefined;

  let iso = year as string;
  if (month === undefined) return iso;
  iso += `-${month}`;
  if (day === undefined) return iso;
  iso += `-${day}`;
  if (hour === undefined) return iso;
  return `${iso}T${clock(hour, minute, second, fraction)}${isoOffset(offset)}`;
}

/**
 * Converts an HL7 DT (`YYYY[MM[DD]]`) to an ISO 8601 date of the same precision.
 * Returns undefined when the text is not a valid DT.
 */
export function hl7DateToIso(text: string): string | undefined {
  if (!/^\d{4}(?:\d{2}(?:\d{2})?)?$/.test(text)) return undefined;
  return hl7DateTimeToIso(text);
}

/**
 * Converts an HL7 TM (`HH[MM[SS[.S[S[S[S]]]]]][+/-ZZZZ]`) to an ISO 8601 time, widening an
 * hour alone to minutes. Returns undefined when the text is not a valid TM.
 */
export function hl7TimeToIso(text: string): string | undefined {
  const m = HL7_TIME.exec(text);
  if (!m) return undefined;
  const [, hour, minute, second, fraction, offset] = m as (string | undefined)[];

  if (!validClock(hour, minute, second) || !validOffset(offset)) return undefined;
  return clock(hour as string, minute, second, fraction) + isoOffset(offset);
}

/**
 * Converts an ISO 8601 date or date-time (the forms `hl7DateTimeToIso` writes, and `Z` for
 * `+00:00`) to an HL7 DTM of the same precision: `2019-07-20T08:35-05:00` → `201907200835-0500`.
 * Returns undefined when the text is not such a date or date-time.
 */
export function isoToHl7DateTime(iso: string): string | undefined {
  const m = ISO_DATE_TIME.exec(iso);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction, offset] = m as (string | undefined)[];

  if (!validDate(year as string, month, day)) return undefined;
  if (!validClock(hour, minute, second) || !validIsoOffset(offset)) return undefined;

  let text = `${year}${month ?? ''}${day ?? ''}${hour ?? ''}${minute ?? ''}${second ?? ''}`;
  if (fraction !== undefined) text += `.${fraction}`;
  return text + hl7Offset(offset);
}

/**
 * Converts an ISO 8601 time of day (`08:35`, `08:35:00.25-05:00`) to an HL7 TM.
 * Returns undefined when the text is not such a time.
 */
export function isoToHl7Time(iso: string): string | undefined {
  const m = ISO_TIME.exec(iso);
  if (!m) return undefined;
  const [, hour, minute, second, fraction, offset] = m as (string | undefined)[];

  if (!validClock(hour, minute, second) || !validIsoOffset(offset)) return undefined;
  let text = `${hour}${minute}${second ?? ''}`;
  if (fraction !== undefined) text += `.${fraction}`;
  return text + hl7Offset(offset);
}

function validDate(year: string, month?: string, day?: string): boolean {
  if (month === undefined) return true;
  const m = Number(month);
  if (m < 1 || m > 12) return false;
  if (day === undefined) return true;
  const d = Number(day);
  return d >= 1 && d <= daysInMonth(Number(year), m);
}

/**
 * Days in month `month` (1-12) of `year` by the Gregorian rule: counted, because building a
 * `Date` cost more than the rest of the conversion. Years 0-99 count as 1900-1999, as
 * `Date.UTC` reads them, so 0000-02-29 stays invalid.
 */
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  const y = year < 100 ? year + 1900 : year;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return leap ? 29 : 28;
}

function validClock(hour?: string, minute?: string, second?: string): boolean {
  if (hour !== undefined && Number(hour) > 23) return false;
  if (minute !== undefined && Number(minute) > 59) return false;
  return second === undefined || Number(second) <= 59;
}

function validOffset(offset?: string): boolean {
  if (offset === undefined) return true;
  return Number(offset.slice(1, 3)) <= 23 && Number(offset.slice(3, 5)) <= 59;
}

function validIsoOffset(offset?: string): boolean {
  if (offset === undefined || offset === 'Z') return true;
  return Number(offset.slice(1, 3)) <= 23 && Number(offset.slice(4, 6)) <= 59;
}

function clock(hour: string, minute?: string, second?: string, fraction?: string): string {
  let text = `${hour}:${minute ?? '00'}`;
  if (second === undefined) return text;
  text += `:${second}`;
  return fraction === undefined ? text : `${text}.${fraction}`;
}

function isoOffset(offset?: string): string {
  return offset === undefined ? '' : `${offset.slice(0, 3)}:${offset.slice(3)}`;
}

function hl7Offset(offset?: string): string {
  if (offset === undefined) return '';
  if (offset === 'Z') return '+0000';
  return offset.slice(0, 3) + offset.slice(4);
}
