/**
 * Result-document times (ISO 8601 at the sender's precision, see `datetime.ts`) as FHIR R4
 * `date`, `dateTime`, `instant` and `time` values (FHIR R4 datatypes.html, primitive types).
 *
 * FHIR requires seconds and a UTC offset whenever a time of day is given; HL7 v2 lets a sender
 * leave out both. Missing seconds become `:00`. A missing offset is taken from the sender's IANA
 * time zone when the caller names one; without it the offset is unknown, and the time of day
 * cannot be written: callers keep the date alone, or the text.
 */

const ISO =
  /^(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,4})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const ISO_TIME = /^(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,4})?)?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Checks that `timeZone` is an IANA time zone name the runtime knows.
 * @throws RangeError when it is not.
 */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

/**
 * An ISO date or date-time as a FHIR `dateTime` at the same precision, with seconds filled in
 * and the offset taken from `timeZone` when the text has none. Undefined when that cannot be
 * done without losing precision (a time of day, no offset, no time zone) or the text is not ISO.
 */
export function fhirDateTimeExact(iso: string, timeZone?: string): string | undefined {
  const m = ISO.exec(iso);
  if (!m) return undefined;
  const [, date, hour, minute, second, fraction, offset] = m as (string | undefined)[];
  if (hour === undefined) return date;

  const local = `${date}T${hour}:${minute}:${second ?? '00'}${fraction ?? ''}`;
  if (offset !== undefined) return local + offset;
  if (timeZone === undefined) return undefined;
  return local + zoneOffset(local, timeZone);
}

/**
 * An ISO date or date-time as a FHIR `dateTime`: exact when `fhirDateTimeExact` can write it,
 * otherwise its date alone. Undefined when the text is not ISO.
 */
export function fhirDateTime(iso: string, timeZone?: string): string | undefined {
  return fhirDateTimeExact(iso, timeZone) ?? ISO.exec(iso)?.[1];
}

/**
 * An ISO date-time as a FHIR `instant` (a full date, a time with seconds and an offset).
 * Undefined when the text holds less than a full date and time, or no offset can be found.
 */
export function fhirInstant(iso: string, timeZone?: string): string | undefined {
  const dateTime = fhirDateTimeExact(iso, timeZone);
  return dateTime !== undefined && dateTime.includes('T') ? dateTime : undefined;
}

/** The date of an ISO date or date-time, at its own precision: a FHIR `date`. */
export function fhirDate(iso: string): string | undefined {
  return ISO.exec(iso)?.[1];
}

/**
 * An ISO time of day as a FHIR `time` (`hh:mm:ss`, no offset). Undefined when the time carries
 * an offset, which a FHIR `time` cannot hold.
 */
export function fhirTime(iso: string): string | undefined {
  const m = ISO_TIME.exec(iso);
  if (!m) return undefined;
  const [, hour, minute, second, fraction] = m as (string | undefined)[];
  return `${hour}:${minute}:${second ?? '00'}${fraction ?? ''}`;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The `±hh:mm` offset of `timeZone` at the wall-clock time `local` (`YYYY-MM-DDThh:mm:ss`). */
function zoneOffset(local: string, timeZone: string): string {
  const wallClockMs = Date.parse(`${local.slice(0, 19)}Z`);
  // The zone's offset at the wall-clock time read as UTC is off by the offset itself; reading it
  // again at the corrected instant settles it, except in the hour a clock change skips or repeats.
  const guessMinutes = offsetMinutesAt(wallClockMs, timeZone);
  const minutes = offsetMinutesAt(wallClockMs - guessMinutes * 60_000, timeZone);

  const sign = minutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0');
  return `${sign}${hours}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`;
}

function offsetMinutesAt(utcMs: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(utcMs));
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  const asUtcMs = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return Math.round((asUtcMs - utcMs) / 60_000);
}
