/**
 * Where two JSON documents differ, described by field path and by the kind of value on
 * each side, never the value itself: the documents hold patient data, and these lines end up
 * in test output and CI logs.
 */

/** One difference between an expected and an actual document. */
export interface Difference {
  /** `$.orders[0].observations[2].value`. */
  path: string;
  /** The kind of value expected there: `string(12)`, `number`, `absent`, `array(3)`, ... */
  expected: string;
  /** The kind of value found there. */
  actual: string;
}

/** The kind of a JSON value, with its size; object keys are field names, not data. */
export function kindOf(value: unknown): string {
  if (value === undefined) return 'absent';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === 'string') return `string(${value.length})`;
  if (typeof value === 'object') return `object{${Object.keys(value).sort().join(',')}}`;
  return typeof value;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every place where `actual` differs from `expected`, deepest paths first found first. */
export function differences(expected: unknown, actual: unknown, path = '$'): Difference[] {
  if (isRecord(expected) && isRecord(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    return keys.flatMap((key) => differences(expected[key], actual[key], `${path}.${key}`));
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const length = Math.max(expected.length, actual.length);
    return Array.from({ length }, (_, n) =>
      differences(expected[n], actual[n], `${path}[${n}]`),
    ).flat();
  }
  if (JSON.stringify(expected) === JSON.stringify(actual)) return [];
  const before = kindOf(expected);
  const after = kindOf(actual);
  // Same kind and size but other content: say so, since the kinds alone read as equal.
  return [{ path, expected: before, actual: before === after ? `${after}, other content` : after }];
}
