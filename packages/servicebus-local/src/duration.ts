/**
 * ISO 8601 durations (`PT30S`, `PT1M`, `P14D`, `P1DT2H`, `PT0.5S`) as Service Bus writes its
 * entity settings, read into milliseconds.
 */

const MS_PER_SECOND = 1_000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;

/**
 * Years and months have no fixed length; .NET's `XmlConvert.ToTimeSpan`, which Service Bus
 * uses, counts a year as 365 days and a month as 30, and so do we.
 */
const MS_PER_YEAR = 365 * MS_PER_DAY;
const MS_PER_MONTH = 30 * MS_PER_DAY;
const MS_PER_WEEK = 7 * MS_PER_DAY;

const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
const DURATION_PATTERN = new RegExp(
  `^P(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}W)?(?:${NUMBER}D)?` +
    `(?:T(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);

/** The unit of each capture group of `DURATION_PATTERN`, in order. */
const UNIT_MS = [
  MS_PER_YEAR,
  MS_PER_MONTH,
  MS_PER_WEEK,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  MS_PER_SECOND,
];

/**
 * Reads an ISO 8601 duration (`PnYnMnWnDTnHnMnS`, any part optional, decimals allowed on
 * any part with `.` or `,`) into whole milliseconds, rounded to the nearest one.
 *
 * @example parseDurationMs('PT1M') === 60_000; parseDurationMs('P1DT2H') === 93_600_000
 * @throws RangeError when `text` is not such a duration (empty, negative, lower-case
 *   designators, `P` or `T` with nothing after it) or exceeds `Number.MAX_SAFE_INTEGER` ms.
 */
export function parseDurationMs(text: string): number {
  const match = DURATION_PATTERN.exec(text);
  const parts = match?.slice(1) ?? [];
  const hasPart = parts.some((part) => part !== undefined);
  if (!match || !hasPart || text.endsWith('T')) {
    throw new RangeError(
      `'${text}' is not an ISO 8601 duration such as PT30S, PT1M, P14D or P1DT2H`,
    );
  }

  let totalMs = 0;
  parts.forEach((part, index) => {
    if (part !== undefined) totalMs += Number(part.replace(',', '.')) * (UNIT_MS[index] ?? 0);
  });

  const roundedMs = Math.round(totalMs);
  if (!Number.isSafeInteger(roundedMs)) {
    throw new RangeError(`'${text}' is longer than this broker can count in milliseconds`);
  }
  return roundedMs;
}
