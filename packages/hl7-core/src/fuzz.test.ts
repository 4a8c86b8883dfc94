import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { isHl7ParseError } from './errors.js';
import type { Hl7Message } from './message.js';
import { parse, type ParseOptions } from './parse.js';
import { serialize } from './serialize.js';

/**
 * Whatever the input, `parse` returns a message or throws an `Hl7ParseError`, and reading a
 * message it returned throws nothing but a `RangeError` for a path that is not one.
 */

const CORPUS = fileURLToPath(
  new URL('../../../../shared/corpus/cdc-trusted-intermediary/', import.meta.url),
);
const MALFORMED = fileURLToPath(new URL('../../../../shared/corpus/malformed/', import.meta.url));

function hl7Files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.hl7'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

// Every fourth well-formed message, and every malformed one: the field's own breakage is
// where mutations find the parser's edges fastest.
const SEEDS: readonly Uint8Array[] = [
  ...hl7Files(CORPUS).filter((_file, i) => i % 4 === 0),
  ...hl7Files(MALFORMED),
].map((file) => new Uint8Array(readFileSync(file)));

const PATHS = [
  'MSH-1',
  'MSH-2',
  'MSH-2.2',
  'MSH-3.1',
  'MSH-9',
  'MSH-9.2',
  'MSH-10',
  'MSH-12.1',
  'MSH-18',
  'PID-3[2].4',
  'PID-3.4.2',
  'PID-5.1.1',
  'PID[2]-5',
  'OBR-4.2',
  'OBX-5',
  'OBX[2]-5.1',
  'OBX[13]-5',
  'OBX[3]-3[99].9.9',
  'ZZZ-1',
  'NTE-3',
];
const INVALID_PATHS = ['', 'PID', 'pid-5', 'PID-0', 'OBX[0]-5', 'PID-5.0', '5'];

/** Parses, requiring success or a coded error; `undefined` when refused. */
function tryParse(input: string | Uint8Array, options?: ParseOptions): Hl7Message | undefined {
  try {
    return parse(input, options);
  } catch (error) {
    if (isHl7ParseError(error)) return undefined;
    throw new Error(`parse threw something other than Hl7ParseError: ${String(error)}`, {
      cause: error,
    });
  }
}

/** Reads a parsed message the ways callers do; throws only what a caller would not expect. */
function exercise(message: Hl7Message): void {
  for (const path of PATHS) message.get(path);
  for (const path of INVALID_PATHS) expectRangeError(() => message.get(path));

  void message.messageType;
  void message.controlId;
  void message.version;
  expect(message.header.name).toBe('MSH');
  for (const segment of message.segments().slice(0, 30)) {
    void message.segments(segment.name);
    const fields = Math.min(segment.fieldCount, 20);
    for (let field = 1; field <= fields; field++) {
      segment.raw(field, 0);
      segment.value(field, 2, 1, 2);
      segment.isExplicitNull(field);
      const repetitions = Math.min(segment.repetitionCount(field), 3);
      for (let rep = 1; rep <= repetitions; rep++) segment.get(`${field}[${rep}].1`);
    }
  }

  const text = message.toString();
  expect(text.endsWith('\r')).toBe(true);
  serialize(message, { bytes: true });
}

function expectRangeError(read: () => unknown): void {
  try {
    read();
  } catch (error) {
    if (error instanceof RangeError) return;
    throw error;
  }
  throw new Error('expected a RangeError');
}

/** What a written-back message reads as, when written back again: itself. */
function expectStable(message: Hl7Message): void {
  const text = message.toString();
  const again = parse(text);
  expect(again.toString()).toBe(text);
  expect(again.repairs).toEqual([]);
}

const anyUnit = fc.nat(0xffff).map((code) => String.fromCharCode(code));
const hl7ish = fc.constantFrom(
  ...'|^~\\&#$\r\n\u000b\u001c "MSHPIDOBXZ0123456789'.split(''),
  'MSH|^~\\&|',
  '\\X',
  '\\.br\\',
  '\r\n',
  '\uFEFF',
  'é',
  '😀',
);

/** A mutation of a corpus message, at positions taken modulo its length. */
type Mutation =
  | { op: 'flip'; at: number; byte: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'duplicate'; line: number };

const INSERTS = [
  '|',
  '^',
  '~',
  '\\',
  '&',
  '#',
  '\r',
  '\n',
  '\r\n',
  '\u000b',
  '\u001c',
  '\\X',
  '""',
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.nat(255) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.constantFrom(...INSERTS),
  }),
  fc.record({
    op: fc.constant('delete' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 20 }),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), line: fc.nat() }),
);

const encoder = new TextEncoder();

function mutate(seed: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = seed;
  for (const m of mutations) {
    const at = bytes.length === 0 || !('at' in m) ? 0 : m.at % bytes.length;
    if (m.op === 'flip' && bytes.length > 0) {
      bytes = bytes.slice();
      bytes[at] = m.byte;
    }
    if (m.op === 'insert') {
      bytes = concat(bytes.subarray(0, at), encoder.encode(m.text), bytes.subarray(at));
    }
    if (m.op === 'delete') bytes = concat(bytes.subarray(0, at), bytes.subarray(at + m.length));
    if (m.op === 'truncate') bytes = bytes.subarray(0, at);
    if (m.op === 'duplicate') bytes = duplicateLine(bytes, m.line);
  }
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Repeats one line, its terminator included, right after itself. */
function duplicateLine(bytes: Uint8Array, line: number): Uint8Array {
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0d || bytes[i] === 0x0a) starts.push(i + 1);
  }
  const start = starts[line % starts.length] as number;
  let end = start;
  while (end < bytes.length && bytes[end] !== 0x0d && bytes[end] !== 0x0a) end++;
  const withTerminator = bytes.subarray(start, Math.min(end + 1, bytes.length));
  return concat(bytes.subarray(0, start), withTerminator, bytes.subarray(start));
}

const FUZZ_TIMEOUT_MS = 120_000;

describe('fuzzing parse', () => {
  it(
    'takes random bytes',
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, withHeader) => {
          const input = withHeader
            ? new Uint8Array([...new TextEncoder().encode('MSH|^~\\&|'), ...bytes])
            : bytes;
          const message = tryParse(input);
          if (message) exercise(message);
        }),
        { numRuns: 2_000 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'takes random strings, lone surrogates and HL7-looking pieces included',
    () => {
      fc.assert(
        fc.property(
          fc.string({ unit: fc.oneof(anyUnit, hl7ish), maxLength: 200 }),
          fc.constantFrom('', 'MSH|^~\\&|', 'MSH#$~?*#', 'MSH|^~\\&#|', 'MSH|^~|'),
          fc.boolean(),
          (text, header, strict) => {
            const message = tryParse(header + text, { strict });
            if (message) {
              exercise(message);
              expectStable(message);
            }
          },
        ),
        { numRuns: 2_000 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'takes 10,000 mutated corpus messages',
    () => {
      expect(SEEDS.length).toBeGreaterThan(25);
      let parsed = 0;
      fc.assert(
        fc.property(
          fc.nat(SEEDS.length - 1),
          fc.array(mutation, { minLength: 1, maxLength: 4 }),
          fc.boolean(),
          (seed, mutations, strict) => {
            const input = mutate(SEEDS[seed] as Uint8Array, mutations);
            const message = tryParse(input, { strict });
            if (!message) return;
            parsed++;
            exercise(message);
            expectStable(message);
          },
        ),
        { numRuns: 10_000 },
      );
      // Most mutations leave a readable message; the read API must have been exercised.
      expect(parsed).toBeGreaterThan(5_000);
    },
    FUZZ_TIMEOUT_MS,
  );
});
