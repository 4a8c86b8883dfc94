/**
 * HL7 v2 batches (v2.5.1 section 2.10.3): a file (FHS ... FTS) of batches (BHS ... BTS) of
 * messages, a single batch, or messages simply written one after another. Every message is
 * parsed on its own, so one bad message is reported while the others are read.
 * `batch-serialize.ts` writes batches.
 */
import { charsetFromMsh18, decodeBytes, type Charset } from './charset.js';
import { DEFAULT_DELIMITERS, type Delimiters } from './delimiters.js';
import { Hl7ParseError } from './errors.js';
import { unescape } from './escape.js';
import type { Hl7Message } from './message.js';
import { parse, readDelimiters, type ParseOptions } from './parse.js';
import { formatLocation } from './path.js';
import { Hl7Segment } from './segment.js';

/** How strictly and how much of a batch to read; the message options apply to each member. */
export interface BatchParseOptions extends ParseOptions {
  /** The most messages the input may hold. Default 10,000. */
  readonly maxMembers?: number;
}

/** One message of a batch, parsed on its own: either `message` or `error` is set. */
export interface BatchMember {
  /** Where the message sits among all messages of the input, counting from 1. */
  readonly position: number;
  /** MSH-10, read from the MSH line alone when the message did not parse; `''` when absent. */
  readonly controlId: string;
  /** The parsed message; absent when `error` is set. */
  readonly message?: Hl7Message;
  /** Why the message did not parse; absent when `message` is set. */
  readonly error?: Hl7ParseError;
  /** The input line (1-based, counting every line) that holds the member's MSH. */
  readonly startLine: number;
  /** How many input lines the member spans, from its MSH to its last non-blank line. */
  readonly lineCount: number;
  /** Which batch (BHS) of the input holds the member, counting from 1; 0 outside any BHS. */
  readonly batch: number;
}

/** One batch: a BHS, its messages and its BTS. */
export interface BatchGroup {
  /** The batch header; field 1 is the field separator, field 2 the encoding characters. */
  readonly bhs: Hl7Segment;
  /** The batch trailer; absent when the input ended without one (see `Hl7Batch.repairs`). */
  readonly bts: Hl7Segment | undefined;
  /** The batch's messages, in order. */
  readonly members: readonly BatchMember[];
}

/** A trailer the lenient reader found missing at the end of the input; never silent. */
export interface BatchRepair {
  /** Which trailer was missing. */
  readonly code: 'MISSING_BTS' | 'MISSING_FTS';
  /** Which header is left open: `BHS[2]` or `FHS`. */
  readonly location: string;
  /** A sentence for people, naming no field contents. */
  readonly message: string;
}

/** What `Hl7Batch` is built from. */
export interface Hl7BatchParts {
  /** The delimiters of the headers: FHS-1/2, else BHS-1/2, else those of the first MSH. */
  readonly delimiters: Delimiters;
  /** The character set the headers were read in: the first message's MSH-18. */
  readonly charset: Charset;
  /** The file header, when the input is a file. */
  readonly fhs?: Hl7Segment;
  /** The file trailer, when the input has one. */
  readonly fts?: Hl7Segment;
  /** The batches (BHS ... BTS) in order; empty for messages written one after another. */
  readonly batches: readonly BatchGroup[];
  /** Every message of the input in order, across all batches. */
  readonly members: readonly BatchMember[];
  /** The trailers the lenient reader found missing. */
  readonly repairs?: readonly BatchRepair[];
}

/** A read batch: its headers and trailers, and its messages answerable by position. */
export class Hl7Batch {
  /** The delimiters of the headers: FHS-1/2, else BHS-1/2, else those of the first MSH. */
  readonly delimiters: Delimiters;
  /** The character set the headers were read in: the first message's MSH-18. */
  readonly charset: Charset;
  /** The file header (FHS), when the input is a file. */
  readonly fhs: Hl7Segment | undefined;
  /** The file trailer (FTS), when the input has one. */
  readonly fts: Hl7Segment | undefined;
  /** The batches (BHS ... BTS) in order; empty for messages written one after another. */
  readonly batches: readonly BatchGroup[];
  /** Every message of the input in order; `members[i].position` is `i + 1`. */
  readonly members: readonly BatchMember[];
  /** The trailers the lenient reader found missing at the end of the input. */
  readonly repairs: readonly BatchRepair[];

  /** Assembles a batch from its parts; `parseBatch` is the usual way in. */
  constructor(parts: Hl7BatchParts) {
    this.delimiters = parts.delimiters;
    this.charset = parts.charset;
    this.fhs = parts.fhs;
    this.fts = parts.fts;
    this.batches = parts.batches;
    this.members = parts.members;
    this.repairs = parts.repairs ?? [];
  }

  /** The header of the first (usually the only) batch. */
  get bhs(): Hl7Segment | undefined {
    return this.batches[0]?.bhs;
  }

  /** The trailer of the first (usually the only) batch. */
  get bts(): Hl7Segment | undefined {
    return this.batches[0]?.bts;
  }

  /** The member at `position` (1-based, across all batches), or undefined. */
  member(position: number): BatchMember | undefined {
    return Number.isInteger(position) && position >= 1 ? this.members[position - 1] : undefined;
  }
}

const DEFAULT_MAX_MEMBERS = 10_000;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Reads a file (FHS, one or more BHS ... BTS, FTS), a single batch (BHS ... BTS) or messages
 * written one after another, and parses each message on its own with `parse`: a member that
 * does not parse carries its `error` and its MSH-10, and the others are still returned.
 * Lines may end with `\r`, `\n` or `\r\n`; blank lines between members are dropped, and a
 * UTF-8 BOM at the start of the input or of any line is skipped. Bytes are decoded member by
 * member in the charset its MSH-18 names, the headers in the first message's.
 *
 * BTS-1 (messages in the batch) and FTS-1 (batches in the file) are checked when not empty.
 * A trailer missing at the end of the input is reported in `repairs`, or refused when strict.
 * `member.message.toString()` is the member's lines, each ended by `\r`, unless the member's
 * own `repairs` say a line was joined or dropped.
 * @throws Hl7ParseError `EMPTY_INPUT`; `NOT_HL7` when the input starts with none of FHS, BHS,
 *   MSH; `MSH_MISSING` when it holds no message, or a batch's first line after its BHS is not
 *   an MSH; `BATCH_STRUCTURE` for headers and trailers out of order or unbalanced (an FHS
 *   that does not open the input, a BTS without its BHS, a message outside a BHS in a file,
 *   content after the last trailer, a trailer missing when strict); `BATCH_COUNT_MISMATCH`;
 *   `BAD_ENCODING_CHARACTERS` when FHS-1/2 or BHS-1/2 are unusable; `TOO_LARGE` when there
 *   are more than `maxMembers` messages. Members' own parse errors are never thrown.
 */
export function parseBatch(input: string | Uint8Array, options: BatchParseOptions = {}): Hl7Batch {
  const reader = new LineReader(input);
  const maxMembers = options.maxMembers ?? DEFAULT_MAX_MEMBERS;
  const layout = layOut(reader, options.strict === true, maxMembers);

  const charset = headerCharset(reader, layout);
  const fhs = layout.fhs === undefined ? undefined : readHeader(reader, layout.fhs, 'FHS', charset);
  const headers = layout.groups.map((group) => readHeader(reader, group.bhs, 'BHS', charset));
  const firstMsh = reader.text((layout.members[0] as MemberSpan).first, charset);
  const delimiters = fhs?.delimiters ?? headers[0]?.delimiters ?? mshDelimiters(firstMsh);

  const trailers = layout.groups.map((group, index) => {
    if (group.bts === undefined) return undefined;
    const bts = readTrailer(reader, group.bts, (headers[index] as Hl7Segment).delimiters, charset);
    checkCount(bts, formatLocation('BTS', index + 1, 1), group.memberCount, 'messages');
    return bts;
  });
  const fts =
    layout.fts === undefined || fhs === undefined
      ? undefined
      : readTrailer(reader, layout.fts, fhs.delimiters, charset);
  if (fts) checkCount(fts, 'FTS-1', layout.groups.length, 'batches');

  const members = layout.members.map((span, index) =>
    readMember(reader, span, index + 1, options, charset),
  );
  const batches = layout.groups.map((group, index) => ({
    bhs: headers[index] as Hl7Segment,
    bts: trailers[index],
    members: members.slice(group.firstMember, group.firstMember + group.memberCount),
  }));
  return new Hl7Batch({
    delimiters,
    charset,
    fhs,
    fts,
    batches,
    members,
    repairs: layout.repairs,
  });
}

type LineKind = 'FHS' | 'BHS' | 'BTS' | 'FTS' | 'MSH' | 'segment' | 'blank';

/**
 * The input's lines, read as text only where needed, so bytes keep each member's charset.
 * Line ends are found with indexOf and kept as offsets in two number arrays: walking the input
 * a character at a time, with a line object each, cost more than parsing the members.
 */
class LineReader {
  /** Where each line starts, after any BOM. */
  private readonly starts: number[] = [];
  /** Where each line ends, before its terminator. */
  private readonly ends: number[] = [];
  private readonly input: string | Uint8Array;

  constructor(input: string | Uint8Array) {
    this.input = input;
    const length = input.length;
    const find = (code: number, from: number): number =>
      typeof input === 'string'
        ? input.indexOf(code === CR ? '\r' : '\n', from)
        : input.indexOf(code, from);
    let cr = find(CR, 0);
    let lf = find(LF, 0);
    let start = 0;
    for (;;) {
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      if (end < 0) break;
      this.push(start, end);
      start = end === cr && this.code(end + 1) === LF ? end + 2 : end + 1;
      if (cr >= 0 && cr < start) cr = find(CR, start);
      if (lf >= 0 && lf < start) lf = find(LF, start);
    }
    if (start < length) this.push(start, length);
  }

  /** How many lines the input holds. */
  get count(): number {
    return this.starts.length;
  }

  kind(index: number): LineKind {
    const start = this.starts[index] as number;
    const end = this.ends[index] as number;
    if (end - start >= 3 && (end - start === 3 || !isNameChar(this.code(start + 3)))) {
      const name = batchSegmentAt(this.code(start), this.code(start + 1), this.code(start + 2));
      if (name !== undefined) return name;
    }
    for (let i = start; i < end; i++) {
      if (this.code(i) > 0x20) return 'segment';
    }
    return 'blank';
  }

  /** The text of one line; bytes are decoded in `charset`. */
  text(index: number, charset: Charset): string {
    const start = this.starts[index] as number;
    const end = this.ends[index] as number;
    if (typeof this.input === 'string') return this.input.slice(start, end);
    return decodeBytes(this.input.subarray(start, end), charset);
  }

  /** The input from the start of line `first` to the end of line `last`, terminators kept. */
  slice(first: number, last: number): string | Uint8Array {
    const start = this.starts[first] as number;
    const end = this.ends[last] as number;
    if (typeof this.input === 'string') return this.input.slice(start, end);
    return this.input.subarray(start, end);
  }

  private push(start: number, end: number): void {
    this.starts.push(this.afterBom(start, end));
    this.ends.push(end);
  }

  private code(i: number): number {
    return typeof this.input === 'string' ? this.input.charCodeAt(i) : (this.input[i] ?? NaN);
  }

  // Files joined with `cat` carry a BOM at the start of each.
  private afterBom(start: number, end: number): number {
    if (typeof this.input === 'string') return this.code(start) === 0xfeff ? start + 1 : start;
    const bom = end - start >= 3 && this.code(start) === 0xef && this.code(start + 1) === 0xbb;
    return bom && this.code(start + 2) === 0xbf ? start + 3 : start;
  }
}

/** FHS, BHS, BTS, FTS or MSH when the three character codes spell one, else undefined. */
function batchSegmentAt(c0: number, c1: number, c2: number): LineKind | undefined {
  const S = 0x53;
  const H = 0x48;
  const T = 0x54;
  const B = 0x42;
  const F = 0x46;
  const M = 0x4d;
  if (c0 === M) return c1 === S && c2 === H ? 'MSH' : undefined;
  if (c0 !== F && c0 !== B) return undefined;
  if (c1 === H && c2 === S) return c0 === F ? 'FHS' : 'BHS';
  if (c1 === T && c2 === S) return c0 === F ? 'FTS' : 'BTS';
  return undefined;
}

/** A-Z, a-z and 0-9: a fourth such character makes the line some other segment. */
function isNameChar(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x61 && code <= 0x7a)
  );
}

/** A member's lines, by index: its MSH and its last non-blank line. */
interface MemberSpan {
  readonly first: number;
  last: number;
  readonly batch: number;
}

interface GroupSpan {
  readonly bhs: number;
  bts: number | undefined;
  readonly firstMember: number;
  memberCount: number;
}

interface Layout {
  fhs: number | undefined;
  fts: number | undefined;
  readonly groups: GroupSpan[];
  readonly members: MemberSpan[];
  readonly repairs: BatchRepair[];
}

/**
 * Finds the headers, trailers and members, checking their order, before any member is parsed.
 * `file` is an FHS input, `batch` a BHS input, `plain` messages one after another.
 */
function layOut(reader: LineReader, strict: boolean, maxMembers: number): Layout {
  const layout: Layout = { fhs: undefined, fts: undefined, groups: [], members: [], repairs: [] };
  let shape: 'file' | 'batch' | 'plain' | undefined;
  let member: MemberSpan | undefined;
  let group: GroupSpan | undefined;
  let ended = false;

  for (let i = 0; i < reader.count; i++) {
    const kind = reader.kind(i);
    if (kind === 'blank') continue;
    if (kind === 'segment' && member) {
      member.last = i;
      continue;
    }
    member = undefined;
    const location = `line ${i + 1}`;

    if (shape === undefined) {
      if (kind === 'FHS') shape = 'file';
      else if (kind === 'BHS') shape = 'batch';
      else if (kind === 'MSH') shape = 'plain';
      else
        throw new Hl7ParseError('NOT_HL7', 'The input starts with none of FHS, BHS, MSH', location);
    } else if (ended) {
      throw structureError('Content follows the last trailer', location);
    }

    switch (kind) {
      case 'FHS':
        if (layout.fhs !== undefined || shape !== 'file') {
          throw structureError('An FHS does not open the input', location);
        }
        layout.fhs = i;
        break;
      case 'BHS':
        if (group || (shape === 'batch' && layout.groups.length > 0) || shape === 'plain') {
          throw structureError('A BHS opens inside a batch or outside a file', location);
        }
        group = { bhs: i, bts: undefined, firstMember: layout.members.length, memberCount: 0 };
        layout.groups.push(group);
        break;
      case 'MSH':
        if (shape === 'file' && !group) {
          throw structureError('A message sits in a file outside any BHS batch', location);
        }
        if (layout.members.length >= maxMembers) {
          throw new Hl7ParseError('TOO_LARGE', `The batch holds more than ${maxMembers} messages`);
        }
        member = { first: i, last: i, batch: group ? layout.groups.length : 0 };
        layout.members.push(member);
        if (group) group.memberCount++;
        break;
      case 'BTS':
        if (!group) throw structureError('A BTS has no open BHS', location);
        group.bts = i;
        group = undefined;
        ended = shape === 'batch';
        break;
      case 'FTS':
        if (shape !== 'file') throw structureError('An FTS has no FHS', location);
        if (group) throw structureError('An FTS comes before the BTS of its last batch', location);
        layout.fts = i;
        ended = true;
        break;
      case 'segment':
        if (group) {
          throw new Hl7ParseError(
            'MSH_MISSING',
            'A batch holds a segment before its MSH',
            location,
          );
        }
        throw structureError('A segment sits outside any message', location);
    }
  }

  if (shape === undefined) throw new Hl7ParseError('EMPTY_INPUT', 'The input holds no segments');
  if (group) {
    const location = formatLocation('BHS', layout.groups.length);
    missingTrailer(layout, strict, 'MISSING_BTS', location, 'The input ends before the BTS');
  }
  if (shape === 'file' && layout.fts === undefined) {
    missingTrailer(layout, strict, 'MISSING_FTS', 'FHS', 'The input ends before the FTS');
  }
  if (layout.members.length === 0) {
    throw new Hl7ParseError('MSH_MISSING', 'The batch holds no message');
  }
  return layout;
}

function missingTrailer(
  layout: Layout,
  strict: boolean,
  code: BatchRepair['code'],
  location: string,
  message: string,
): void {
  if (strict) throw structureError(message, location);
  layout.repairs.push({ code, location, message: `${message}; read as if it were there` });
}

function structureError(message: string, location: string): Hl7ParseError {
  return new Hl7ParseError('BATCH_STRUCTURE', message, location);
}

/** The first message's MSH-18 charset, in which bytes of headers and trailers are read. */
function headerCharset(reader: LineReader, layout: Layout): Charset {
  // MSH-18 itself is ASCII in every charset this library takes.
  const msh = reader.text((layout.members[0] as MemberSpan).first, 'latin1');
  try {
    const delimiters = readDelimiters(msh);
    const msh18 = msh.split(delimiters.field)[17] ?? '';
    return charsetFromMsh18(msh18.split(delimiters.repetition)[0] ?? '') ?? 'utf-8';
  } catch {
    return 'utf-8';
  }
}

/**
 * An FHS or BHS, with its own delimiters read from its fields 1 and 2.
 * @throws Hl7ParseError `BAD_ENCODING_CHARACTERS` when they are unusable.
 */
function readHeader(reader: LineReader, index: number, name: string, charset: Charset): Hl7Segment {
  const text = reader.text(index, charset);
  return new Hl7Segment(text, name, { delimiters: readDelimiters(text), charset });
}

function readTrailer(
  reader: LineReader,
  index: number,
  delimiters: Delimiters,
  charset: Charset,
): Hl7Segment {
  const text = reader.text(index, charset);
  return new Hl7Segment(text, text.slice(0, 3), { delimiters, charset });
}

/**
 * Compares a trailer's field 1 with what the input holds; an empty count is not checked.
 * @throws Hl7ParseError `BATCH_COUNT_MISMATCH` when it is another number or not a number.
 */
function checkCount(trailer: Hl7Segment, location: string, actual: number, what: string): void {
  const declared = trailer.value(1).trim();
  if (declared === '') return;
  if (!/^\d+$/.test(declared) || Number(declared) !== actual) {
    throw new Hl7ParseError(
      'BATCH_COUNT_MISMATCH',
      `${trailer.name}-1 does not count the ${actual} ${what} the input holds`,
      location,
    );
  }
}

function mshDelimiters(mshLine: string): Delimiters {
  try {
    return readDelimiters(mshLine);
  } catch {
    return DEFAULT_DELIMITERS;
  }
}

function readMember(
  reader: LineReader,
  span: MemberSpan,
  position: number,
  options: ParseOptions,
  charset: Charset,
): BatchMember {
  const startLine = span.first + 1;
  const lineCount = span.last - span.first + 1;
  const batch = span.batch;
  // Written out rather than spread from a shared part: spreading cost more than the rest.
  try {
    const message = parse(reader.slice(span.first, span.last), options);
    return { position, startLine, lineCount, batch, controlId: message.controlId, message };
  } catch (error) {
    if (!(error instanceof Hl7ParseError)) throw error;
    const controlId = readControlId(reader.text(span.first, charset));
    return { position, startLine, lineCount, batch, controlId, error };
  }
}

/** MSH-10 from the MSH line alone, unescaped when MSH-2 is usable. */
function readControlId(mshLine: string): string {
  const separator = mshLine.charAt(3);
  if (separator === '') return '';
  const raw = mshLine.split(separator)[9] ?? '';
  try {
    return unescape(raw, readDelimiters(mshLine));
  } catch {
    return raw;
  }
}
