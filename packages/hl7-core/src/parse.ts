/**
 * Reading HL7 v2 text or bytes into an `Hl7Message` (v2.5.1 chapter 2), with the
 * delimiters the message declares and the character set MSH-18 names.
 */
import { charsetFromMsh18, decodeBytes, type Charset } from './charset.js';
import type { Delimiters } from './delimiters.js';
import { Hl7ParseError } from './errors.js';
import { Hl7Message, type Repair } from './message.js';

/** How strictly and how much to read. */
export interface ParseOptions {
  /** Refuse input that needs a repair (a wrapped line) instead of repairing it. Default false. */
  readonly strict?: boolean;
  /** The most characters a message may hold. Default 16 MiB. */
  readonly maxLength?: number;
  /** The most segments a message may hold. Default 100,000. */
  readonly maxSegments?: number;
}

const DEFAULT_MAX_LENGTH = 16 * 1024 * 1024;
const DEFAULT_MAX_SEGMENTS = 100_000;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Parses one message. Segments may end with `\r`, `\n` or `\r\n`, mixed; a UTF-8 BOM and
 * blank lines at either end are dropped. Bytes are decoded per MSH-18 (UTF-8 when absent).
 * `parse(x).toString()` reproduces `x` byte for byte, but for segment terminators, which
 * become `\r`, and the dropped BOM and blank lines.
 * @throws Hl7ParseError `EMPTY_INPUT`, `NOT_HL7`, `MSH_MISSING`, `BAD_ENCODING_CHARACTERS`,
 *   `UNSUPPORTED_CHARSET`, `BAD_SEGMENT` (strict only) or `TOO_LARGE`; nothing else.
 */
export function parse(input: string | Uint8Array, options: ParseOptions = {}): Hl7Message {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  if (input.length > maxLength) {
    throw new Hl7ParseError('TOO_LARGE', `The message is longer than ${maxLength} characters`);
  }
  const decoded = typeof input === 'string' ? { text: input, charset: undefined } : decode(input);
  let text = decoded.text;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const lines = splitLines(text);
  if (lines.length === 0) throw new Hl7ParseError('EMPTY_INPUT', 'The input holds no segments');
  const first = lines[0] as string;
  if (!first.startsWith('MSH')) {
    if (first.startsWith('FHS') || first.startsWith('BHS')) {
      throw new Hl7ParseError(
        'MSH_MISSING',
        'The input is a batch; read it with parseBatch',
        'line 1',
      );
    }
    throw new Hl7ParseError('NOT_HL7', 'The input does not start with an MSH segment', 'line 1');
  }
  const delimiters = readDelimiters(first);
  const charset = decoded.charset ?? charsetOf(first, delimiters.field);

  const maxSegments = options.maxSegments ?? DEFAULT_MAX_SEGMENTS;
  if (lines.length > maxSegments) {
    throw new Hl7ParseError('TOO_LARGE', `The message has more than ${maxSegments} segments`);
  }
  const { segments, repairs } = checkSegments(lines, delimiters.field, options.strict === true);
  return new Hl7Message(segments, delimiters, charset, repairs);
}

/** Splits on `\r`, `\n` and `\r\n`, dropping blank lines at the start and end. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code !== CR && code !== LF) continue;
    lines.push(text.slice(start, i));
    if (code === CR && text.charCodeAt(i + 1) === LF) i++;
    start = i + 1;
  }
  if (start < length) lines.push(text.slice(start));

  let first = 0;
  while (first < lines.length && isBlank(lines[first] as string)) first++;
  let last = lines.length;
  while (last > first && isBlank(lines[last - 1] as string)) last--;
  return first === 0 && last === lines.length ? lines : lines.slice(first, last);
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

/**
 * Reads MSH-1 and MSH-2 from the MSH line.
 * @throws Hl7ParseError `BAD_ENCODING_CHARACTERS` when they are missing or unusable.
 */
export function readDelimiters(mshLine: string): Delimiters {
  const field = mshLine.charAt(3);
  if (field === '' || isNameChar(field.charCodeAt(0)) || field === ' ') {
    throw new Hl7ParseError(
      'BAD_ENCODING_CHARACTERS',
      'MSH-1 (field separator) is missing',
      'MSH-1',
    );
  }
  const end = mshLine.indexOf(field, 4);
  const encoding = end < 0 ? mshLine.slice(4) : mshLine.slice(4, end);
  if (encoding.length < 2 || encoding.length > 5) {
    throw new Hl7ParseError(
      'BAD_ENCODING_CHARACTERS',
      'MSH-2 (encoding characters) must hold 2 to 5 characters',
      'MSH-2',
    );
  }
  const seen = new Set<string>([field]);
  for (const ch of encoding) {
    if (seen.has(ch) || isNameChar(ch.charCodeAt(0)) || ch === ' ') {
      throw new Hl7ParseError(
        'BAD_ENCODING_CHARACTERS',
        'MSH-2 (encoding characters) repeats a delimiter or uses a letter, digit or space',
        'MSH-2',
      );
    }
    seen.add(ch);
  }
  return {
    field,
    component: encoding.charAt(0),
    repetition: encoding.charAt(1),
    escape: encoding.charAt(2),
    subcomponent: encoding.charAt(3),
    truncation: encoding.charAt(4),
  };
}

/** A-Z and 0-9: the characters of a segment name, never a delimiter. */
function isNameChar(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x61 && code <= 0x7a)
  );
}

function isSegmentStart(line: string, fieldSeparator: string): boolean {
  if (line.length < 3) return false;
  const c0 = line.charCodeAt(0);
  if (c0 < 0x41 || c0 > 0x5a) return false;
  if (!isUpperOrDigit(line.charCodeAt(1)) || !isUpperOrDigit(line.charCodeAt(2))) return false;
  return line.length === 3 || line.charAt(3) === fieldSeparator;
}

function isUpperOrDigit(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39);
}

function checkSegments(
  lines: string[],
  fieldSeparator: string,
  strict: boolean,
): { segments: string[]; repairs: Repair[] } {
  const repairs: Repair[] = [];
  let firstBad = 1;
  while (firstBad < lines.length && isSegmentStart(lines[firstBad] as string, fieldSeparator)) {
    firstBad++;
  }
  if (firstBad === lines.length) return { segments: lines, repairs };

  const segments = lines.slice(0, firstBad);
  for (let i = firstBad; i < lines.length; i++) {
    const line = lines[i] as string;
    if (isSegmentStart(line, fieldSeparator)) {
      segments.push(line);
      continue;
    }
    const location = `line ${i + 1}`;
    if (strict) {
      throw new Hl7ParseError('BAD_SEGMENT', 'A line does not start with a segment name', location);
    }
    if (isBlank(line)) {
      repairs.push({ code: 'DROPPED_BLANK_LINE', location, message: 'Dropped a blank line' });
      continue;
    }
    // A line without a segment name continues the previous segment: a line wrap that
    // replaced a space broke it.
    segments[segments.length - 1] += ' ' + line;
    repairs.push({
      code: 'JOINED_WRAPPED_LINE',
      location,
      message: 'Joined a line without a segment name to the previous segment, with one space',
    });
  }
  return { segments, repairs };
}

/**
 * Decodes bytes: drops a UTF-8 BOM, reads MSH-18 from the first line (ASCII-compatible in
 * every charset this library takes), then decodes everything in that charset.
 */
function decode(bytes: Uint8Array): { text: string; charset: Charset } {
  let body = bytes;
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) body = body.subarray(3);

  let lineEnd = 0;
  while (lineEnd < body.length && body[lineEnd] !== CR && body[lineEnd] !== LF) lineEnd++;
  const headerLine = decodeBytes(body.subarray(0, Math.min(lineEnd, 65_536)), 'latin1');
  let charset: Charset = 'utf-8';
  if (headerLine.startsWith('MSH') && headerLine.length > 3) {
    charset = charsetOf(headerLine, headerLine.charAt(3));
  }
  return { text: decodeBytes(body, charset), charset };
}

/**
 * The charset MSH-18 names (its first repetition), UTF-8 when empty.
 * @throws Hl7ParseError `UNSUPPORTED_CHARSET` for a value this library cannot decode.
 */
function charsetOf(mshLine: string, fieldSeparator: string): Charset {
  const msh18 = mshLine.split(fieldSeparator)[17] ?? '';
  const repetition = mshLine.charAt(5);
  const first = repetition === '' ? msh18 : (msh18.split(repetition)[0] ?? '');
  const charset = charsetFromMsh18(first);
  if (charset === undefined) {
    throw new Hl7ParseError(
      'UNSUPPORTED_CHARSET',
      'MSH-18 names a character set not supported',
      'MSH-18',
    );
  }
  return charset;
}
