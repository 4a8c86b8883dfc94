/**
 * Reading HL7 v2 text or bytes into an `Hl7Message` (v2.5.1 chapter 2), with the
 * delimiters the message declares and the character set MSH-18 names.
 */
import { charsetFromMsh18, decodeBytes, type Charset } from './charset.js';
import type { Delimiters } from './delimiters.js';
import { Hl7ParseError } from './errors.js';
import { unescape } from './escape.js';
import { Hl7Message, type Repair } from './message.js';

/** How strictly and how much to read. */
export interface ParseOptions {
  /** Refuse input that needs a repair (a wrapped line) instead of repairing it. Default false. */
  readonly strict?: boolean;
  /** The most characters (bytes, for a `Uint8Array`) a message may hold. Default 16 MiB. */
  readonly maxLength?: number;
  /** The most segments a message may hold. Default 100,000. */
  readonly maxSegments?: number;
  /** The most characters one field (components and repetitions included) may hold. No limit by default. */
  readonly maxFieldLength?: number;
}

const DEFAULT_MAX_LENGTH = 16 * 1024 * 1024;
const DEFAULT_MAX_SEGMENTS = 100_000;
const CR = 0x0d;
const LF = 0x0a;
const BOM = 0xfeff;

/**
 * Parses one message (HL7 v2.5.1 chapter 2; versions 2.1 to 2.8 share the encoding rules).
 * Segments may end with `\r`, `\n` or `\r\n`, mixed; a UTF-8 BOM (as bytes, or U+FEFF
 * opening a string) and blank lines at either end are dropped. Bytes are decoded per MSH-18
 * (UTF-8 when absent). `parse(x).toString()` reproduces `x` byte for byte, but for segment
 * terminators, which become `\r`, and the dropped BOM and blank lines. Lenient by default:
 * a line without a segment name is joined to the one before, a blank line inside is dropped,
 * and each such repair is listed in `message.repairs`. Segments are split into fields only
 * when first read.
 * @throws Hl7ParseError `EMPTY_INPUT`; `NOT_HL7` and `MSH_MISSING` (a batch) at `line n`;
 *   `BAD_ENCODING_CHARACTERS` at `MSH-1` or `MSH-2`; `UNSUPPORTED_CHARSET` at `MSH-18`;
 *   `BAD_SEGMENT` at `line n` (in strict mode for any line needing a repair, else for a line
 *   that cannot be joined); or `TOO_LARGE` (at `OBX[3]-5` for a field over `maxFieldLength`).
 *   Nothing else.
 */
export function parse(input: string | Uint8Array, options: ParseOptions = {}): Hl7Message {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  if (input.length > maxLength) {
    throw new Hl7ParseError('TOO_LARGE', `The message is longer than ${maxLength} characters`);
  }

  if (typeof input !== 'string') return parseBytes(input, options);
  return parseText(input.charCodeAt(0) === BOM ? input.slice(1) : input, options);
}

/** Reads decoded text; delimiters and charset are those of the header once lines are joined. */
function parseText(text: string, options: ParseOptions): Hl7Message {
  const { lines, firstLine } = splitNumberedLines(text);
  if (lines.length === 0) throw new Hl7ParseError('EMPTY_INPUT', 'The input holds no segments');
  const first = lines[0] as string;
  if (!first.startsWith('MSH')) {
    if (first.startsWith('FHS') || first.startsWith('BHS')) {
      throw new Hl7ParseError(
        'MSH_MISSING',
        'The input is a batch; read it with parseBatch',
        `line ${firstLine}`,
      );
    }
    throw new Hl7ParseError(
      'NOT_HL7',
      'The input does not start with an MSH segment',
      `line ${firstLine}`,
    );
  }
  const delimiters = readDelimiters(first);

  const maxSegments = options.maxSegments ?? DEFAULT_MAX_SEGMENTS;
  if (lines.length > maxSegments) {
    throw new Hl7ParseError('TOO_LARGE', `The message has more than ${maxSegments} segments`);
  }
  const { segments, repairs } = checkSegments(
    lines,
    firstLine,
    delimiters.field,
    options.strict === true,
  );
  // A line joined to the header is part of it: its delimiters and MSH-18 are read whole.
  const header = segments[0] as string;
  const headerDelimiters = header === first ? delimiters : readDelimiters(header);
  if (options.maxFieldLength !== undefined) {
    checkFieldLengths(segments, headerDelimiters.field, options.maxFieldLength);
  }
  const charset = charsetOf(header, headerDelimiters);

  return new Hl7Message(segments, headerDelimiters, charset, repairs);
}

/**
 * Refuses the first field longer than `maxLength` characters, named as `OBX[3]-5` (the third
 * OBX, field 5).
 * @throws Hl7ParseError `TOO_LARGE`.
 */
function checkFieldLengths(segments: readonly string[], separator: string, maxLength: number) {
  const seen = new Map<string, number>();
  for (const segment of segments) {
    const end = segment.indexOf(separator);
    const name = end < 0 ? segment : segment.slice(0, end);
    const occurrence = (seen.get(name) ?? 0) + 1;
    seen.set(name, occurrence);
    // A segment no longer than the limit cannot hold a field longer than it: most are skipped.
    if (segment.length <= maxLength) continue;

    const fields = segment.split(separator);
    // MSH-1 is the separator itself, so MSH's pieces are numbered one higher.
    const offset = name === 'MSH' ? 1 : 0;
    const at = fields.findIndex((field, index) => index > 0 && field.length > maxLength);
    if (at > 0) {
      throw new Hl7ParseError(
        'TOO_LARGE',
        `A field is longer than ${maxLength} characters`,
        `${name}[${occurrence}]-${at + offset}`,
      );
    }
  }
}

/**
 * Reads bytes in the charset the header line names. When a wrapped line joined to the header
 * moves MSH-18, the bytes are read again in the charset the whole header names.
 */
function parseBytes(bytes: Uint8Array, options: ParseOptions): Hl7Message {
  const body =
    bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;

  const guess = headerCharset(body);
  const message = parseText(decodeBytes(body, guess), options);
  if (message.charset === guess) return message;

  const reread = parseText(decodeBytes(body, message.charset), options);
  if (reread.charset !== message.charset) {
    throw new Hl7ParseError(
      'UNSUPPORTED_CHARSET',
      'MSH-18 names another character set when the message is read in it',
      'MSH-18',
    );
  }
  return reread;
}

/** Splits on `\r`, `\n` and `\r\n`, dropping blank lines at the start and end. */
export function splitLines(text: string): string[] {
  return splitNumberedLines(text).lines;
}

/** `splitLines`, and the 1-based input line number of the first line kept, for locations. */
function splitNumberedLines(text: string): { lines: string[]; firstLine: number } {
  // Most messages end segments with \r alone: the native split is several times faster
  // than walking the text character by character.
  const lines = text.includes('\n') ? splitMixedLines(text) : text.split('\r');

  let first = 0;
  while (first < lines.length && isBlank(lines[first] as string)) first++;
  let last = lines.length;
  while (last > first && isBlank(lines[last - 1] as string)) last--;
  const kept = first === 0 && last === lines.length ? lines : lines.slice(first, last);
  return { lines: kept, firstLine: first + 1 };
}

/** Splits on `\r`, `\n` and `\r\n`; no empty piece after a final terminator. */
function splitMixedLines(text: string): string[] {
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
  return lines;
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

/**
 * Reads MSH-1 and MSH-2 from a header line (MSH, or BHS and FHS, which share the layout):
 * MSH-1 is the character after the segment name, MSH-2 the 2 to 5 characters up to the next
 * field separator (HL7 v2.5.1 section 2.5.4; the fifth, the truncation character, from v2.7).
 * @throws Hl7ParseError `BAD_ENCODING_CHARACTERS` when they are missing, repeated, a letter,
 *   digit or space, or a character outside the Basic Multilingual Plane.
 */
export function readDelimiters(mshLine: string): Delimiters {
  if (mshLine.startsWith(STANDARD_MSH_PREFIX)) return STANDARD_DELIMITERS;
  const name = HEADER_NAMES.has(mshLine.slice(0, 3)) ? mshLine.slice(0, 3) : 'MSH';
  const field = mshLine.charAt(3);
  if (field === '' || !isDelimiterChar(field.charCodeAt(0))) {
    throw new Hl7ParseError(
      'BAD_ENCODING_CHARACTERS',
      `${name}-1 (field separator) is missing or unusable`,
      `${name}-1`,
    );
  }

  const end = mshLine.indexOf(field, 4);
  const encoding = end < 0 ? mshLine.slice(4) : mshLine.slice(4, end);
  if (encoding.length < 2 || encoding.length > 5) {
    throw new Hl7ParseError(
      'BAD_ENCODING_CHARACTERS',
      `${name}-2 (encoding characters) must hold 2 to 5 characters`,
      `${name}-2`,
    );
  }
  const seen = new Set<string>([field]);
  for (let i = 0; i < encoding.length; i++) {
    const ch = encoding.charAt(i);
    if (seen.has(ch) || !isDelimiterChar(ch.charCodeAt(0))) {
      throw new Hl7ParseError(
        'BAD_ENCODING_CHARACTERS',
        `${name}-2 (encoding characters) repeats a delimiter or uses a letter, digit or space`,
        `${name}-2`,
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

const HEADER_NAMES = new Set(['MSH', 'BHS', 'FHS']);

/** Nearly every message is written with the recommended delimiters; they need no checks. */
const STANDARD_MSH_PREFIX = 'MSH|^~\\&|';
const STANDARD_DELIMITERS: Delimiters = Object.freeze({
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
  truncation: '',
});

/**
 * A delimiter must not be a letter or digit (they start segment names and escape sequences),
 * a space, or half of a surrogate pair (a delimiter is one UTF-16 unit, as `split` sees it).
 */
function isDelimiterChar(code: number): boolean {
  if (code === 0x20 || isNameChar(code)) return false;
  return code < 0xd800 || code > 0xdfff;
}

/** A-Z, a-z and 0-9. */
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
  firstLine: number,
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
    const location = `line ${firstLine + i}`;
    if (strict) {
      throw new Hl7ParseError('BAD_SEGMENT', 'A line does not start with a segment name', location);
    }
    if (isBlank(line)) {
      repairs.push({ code: 'DROPPED_BLANK_LINE', location, message: 'Dropped a blank line' });
      continue;
    }
    const joined = joinWrapped(segments[segments.length - 1] as string, line, fieldSeparator);
    if (joined === undefined) {
      throw new Hl7ParseError(
        'BAD_SEGMENT',
        'A line without a segment name follows a segment that is a name alone',
        location,
      );
    }
    segments[segments.length - 1] = joined.text;
    repairs.push({ code: 'JOINED_WRAPPED_LINE', location, message: joined.message });
  }
  return { segments, repairs };
}

/**
 * Joins a line without a segment name to the segment before it: a line wrap that replaced a
 * space broke it. Right after a bare segment name no space can have been, and only a field
 * separator keeps the name a name; undefined when the line cannot be joined.
 */
function joinWrapped(
  previous: string,
  line: string,
  fieldSeparator: string,
): { text: string; message: string } | undefined {
  if (previous.length > 3) {
    return {
      text: previous + ' ' + line,
      message: 'Joined a line without a segment name to the previous segment, with one space',
    };
  }
  if (!line.startsWith(fieldSeparator)) return undefined;
  return {
    text: previous + line,
    message: 'Joined a line starting with a field separator to the segment name before it',
  };
}

/** Bytes that make a line blank before the header: tab, LF, VT, FF, CR and space. */
function isBlankByte(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/**
 * The charset the header line's MSH-18 names (ASCII in every charset this library takes);
 * UTF-8 when the bytes hold no readable MSH line, which `parseText` then reports.
 * @throws Hl7ParseError `UNSUPPORTED_CHARSET` from the header.
 */
function headerCharset(body: Uint8Array): Charset {
  // Blank lines may precede the header; its MSH-18 still decides how all of it is read.
  let lineStart = 0;
  while (lineStart < body.length && isBlankByte(body[lineStart] as number)) lineStart++;
  let lineEnd = lineStart;
  while (lineEnd < body.length && body[lineEnd] !== CR && body[lineEnd] !== LF) lineEnd++;
  const header = decodeHeader(body.subarray(lineStart, Math.min(lineEnd, lineStart + 65_536)));

  const delimiters = header.startsWith('MSH') ? tryReadDelimiters(header) : undefined;
  return delimiters ? charsetOf(header, delimiters) : 'utf-8';
}

function tryReadDelimiters(header: string): Delimiters | undefined {
  try {
    return readDelimiters(header);
  } catch {
    return undefined;
  }
}

/**
 * The header line as text good enough to find MSH-18: as UTF-8 when it is valid UTF-8, so a
 * multi-byte delimiter stays one character; otherwise as latin1, one character a byte.
 */
function decodeHeader(headerBytes: Uint8Array): string {
  const utf8 = decodeBytes(headerBytes, 'utf-8');
  return utf8.includes('\uFFFD') ? decodeBytes(headerBytes, 'latin1') : utf8;
}

/**
 * The charset MSH-18 names (its first repetition, unescaped), UTF-8 when empty.
 * @throws Hl7ParseError `UNSUPPORTED_CHARSET` for a value this library cannot decode.
 */
function charsetOf(mshLine: string, delimiters: Delimiters): Charset {
  const first = msh18FirstRepetition(mshLine, delimiters);
  const charset = first === '' ? 'utf-8' : charsetFromMsh18(unescape(first, delimiters, 'latin1'));
  if (charset === undefined) {
    throw new Hl7ParseError(
      'UNSUPPORTED_CHARSET',
      'MSH-18 names a character set not supported',
      'MSH-18',
    );
  }
  return charset;
}

/** MSH-18's first repetition, raw; found by walking the separators rather than splitting MSH. */
function msh18FirstRepetition(mshLine: string, delimiters: Delimiters): string {
  let start = 0;
  for (let i = 0; i < 17; i++) {
    const next = mshLine.indexOf(delimiters.field, start);
    if (next < 0) return '';
    start = next + 1;
  }
  let end = mshLine.indexOf(delimiters.field, start);
  if (end < 0) end = mshLine.length;
  const repetition = mshLine.indexOf(delimiters.repetition, start);
  return mshLine.slice(start, repetition >= 0 && repetition < end ? repetition : end);
}
