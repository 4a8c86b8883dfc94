/**
 * HL7 v2 acknowledgements (v2.5.1 section 2.9 and 2.14.1): the ACK a receiver returns,
 * with an MSA segment (section 2.15.8) and one ERR segment (section 2.15.5) per finding.
 */
import type { HierarchicDesignator } from './result-document.js';
import { charsetFromMsh18, decodeBytes, type Charset } from './charset.js';
import { DEFAULT_DELIMITERS, type Delimiters } from './delimiters.js';
import type { Hl7ParseError, Hl7ParseErrorCode } from './errors.js';
import { escape } from './escape.js';
import { Hl7Message } from './message.js';
import { readDelimiters } from './parse.js';
import { headerPrefix } from './segment.js';
import type { Hl7ErrorCondition, Severity, ValidationIssue } from './validation-issue.js';

/**
 * MSA-1 (HL7 table 0008). Original mode: AA accept, AE error, AR reject. Enhanced mode
 * commit (accept) acknowledgements: CA commit accept, CE commit error, CR commit reject.
 */
export type AckCode = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';

/** What the caller decides for an ACK: hl7-core reads no clock and draws no random ids. */
export interface AckOptions {
  /** MSA-1. */
  readonly code: AckCode;
  /** MSH-10 of the ACK itself, unique per ACK; the caller generates it. */
  readonly controlId: string;
  /** MSH-7: a `Date` (written in UTC as `YYYYMMDDHHMMSS+0000`) or a ready HL7 DTM string. */
  readonly timestamp: Date | string;
  /** One ERR segment each, in order. */
  readonly issues?: readonly ValidationIssue[];
  /** MSA-3, a short text for people; kept for receivers older than v2.4. */
  readonly textMessage?: string;
  /** MSH-3 of the ACK; by default the original's MSH-5. A string is HD-1 alone. */
  readonly sendingApplication?: string | HierarchicDesignator;
  /** MSH-4 of the ACK; by default the original's MSH-6. A string is HD-1 alone. */
  readonly sendingFacility?: string | HierarchicDesignator;
}

/** Options for `buildRejectAck`: as for `buildAck`, with a reject code and no issues. */
export interface RejectAckOptions extends Omit<AckOptions, 'code' | 'issues'> {
  /** AR (original mode, the default) or CR (enhanced mode). */
  readonly code?: 'AR' | 'CR';
}

/** Table 0357 texts for ERR-3.2. */
const CONDITION_TEXT: Readonly<Record<Hl7ErrorCondition, string>> = {
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '203': 'Unsupported version id',
  '207': 'Application internal error',
};

/** ERR-4 values (table 0516). */
const SEVERITY_CODE: Readonly<Record<Severity, string>> = {
  error: 'E',
  warning: 'W',
  info: 'I',
};

/** Which table 0357 condition fits each reason the parser refuses input. */
const PARSE_ERROR_CONDITION: Readonly<Record<Hl7ParseErrorCode, Hl7ErrorCondition>> = {
  EMPTY_INPUT: '100',
  NOT_HL7: '100',
  MSH_MISSING: '100',
  BAD_SEGMENT: '100',
  BATCH_COUNT_MISMATCH: '100',
  BATCH_STRUCTURE: '100',
  BAD_ENCODING_CHARACTERS: '102',
  // MSH-18 is an ID field coded from table 0211; a value we cannot decode is one we cannot find.
  UNSUPPORTED_CHARSET: '103',
  TOO_LARGE: '207',
  MLLP_FRAME_TOO_LARGE: '207',
};

const DTM = /^\d{4}(?:\d{2}(?:\d{2}(?:\d{2}(?:\d{2}(?:\d{2}(?:\.\d{1,4})?)?)?)?)?)?(?:[+-]\d{4})?$/;
const LOCATION =
  /^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?(?:-(\d+)(?:\[(\d+)\])?(?:\.(\d+)(?:\.(\d+))?)?)?$/;
const MAX_HEADER_LENGTH = 65_536;

/** The header fields an ACK is built from, as raw text in `delimiters`. */
interface HeaderSource {
  readonly delimiters: Delimiters;
  readonly charset: Charset;
  /** Raw MSH-n for n >= 3; `''` when absent. */
  field(n: number): string;
}

/** An error location (the ERL data type, v2.5.1 chapter 2A) read from a validation location. */
export interface ErrorLocation {
  /** ERL-1, the segment id. */
  readonly segment: string;
  /** ERL-2, which occurrence of the segment in the message, from 1. */
  readonly sequence: number;
  /** ERL-3, the field number; absent when the whole segment is meant. */
  readonly field?: number;
  /** ERL-4, the field repetition; 1 when the field is named without one. */
  readonly repetition?: number;
  /** ERL-5, the component number. */
  readonly component?: number;
  /** ERL-6, the subcomponent number. */
  readonly subcomponent?: number;
}

/**
 * Reads a location in validation notation (`OBX[3]-5.1`, `PID-3[2].4`, `OBR[2]`) as an ERL.
 * Returns undefined for anything else (`line 4`), which the ACK then leaves out of ERR-2.
 */
export function parseLocation(location: string): ErrorLocation | undefined {
  const match = LOCATION.exec(location);
  if (!match) return undefined;
  const [, segment = '', sequence, field, repetition, component, subcomponent] = match;

  const numbers = [sequence, field, repetition, component, subcomponent].map((n) =>
    n === undefined ? undefined : Number(n),
  );
  if (numbers.some((n) => n === 0)) return undefined;
  const [seq = 1, f, r, c, s] = numbers;
  if (f === undefined) return { segment, sequence: seq };
  return { segment, sequence: seq, field: f, repetition: r ?? 1, component: c, subcomponent: s };
}

/**
 * Builds the acknowledgement of `original` (v2.5.1 section 2.9, original and enhanced
 * acknowledgement modes; message structure ACK, section 2.14.1). The ACK keeps the original's
 * delimiters and MSH-18 character set; MSH-3/4 and MSH-5/6 are the original's MSH-5/6 and
 * MSH-3/4, whole HD fields; MSH-9 is `ACK^<trigger>^ACK`; MSH-11 and MSH-12 are copied;
 * MSH-15 and MSH-16 stay empty, so nobody acknowledges the ACK; MSA-2 is the original's
 * MSH-10. Each issue becomes an ERR segment: ERR-2 its location,
 * ERR-3 its table 0357 condition, ERR-4 its severity (table 0516), ERR-5 its code and
 * ERR-8 its message. CA, CE and CR build enhanced-mode commit acknowledgements.
 * @throws RangeError when `controlId` is empty or `timestamp` is not a valid date or DTM.
 */
export function buildAck(original: Hl7Message, options: AckOptions): Hl7Message {
  const header = original.header;
  const source: HeaderSource = {
    delimiters: original.delimiters,
    charset: original.charset,
    field: (n) => header.field(n),
  };

  return writeAck(source, options, options.issues ?? []);
}

/**
 * Builds the reject acknowledgement (AR, or CR in enhanced mode) for input that `parse`
 * refused with `error`. When the first line is an MSH whose MSH-1 and MSH-2 are usable, the
 * ACK takes its delimiters, swaps its MSH-3/4 and MSH-5/6, and answers its MSH-10 in MSA-2;
 * otherwise it uses the default delimiters, MSH-11 `P` and MSH-12 `2.5.1`, and leaves
 * MSA-2 empty, since a control id read with the wrong delimiters could acknowledge some
 * other message. MSH-18 is kept only when
 * it names a character set this library decodes. One ERR reports the error: ERR-3 condition
 * 100 (structure), 102 (encoding characters), 103 (character set) or 207 (size limits),
 * ERR-5 the error's code and ERR-8 its message, which names no field contents.
 * @throws RangeError when `controlId` is empty or `timestamp` is not a valid date or DTM.
 */
export function buildRejectAck(
  input: string | Uint8Array,
  error: Hl7ParseError,
  options: RejectAckOptions,
): Hl7Message {
  const source = headerOf(input);
  const issue: ValidationIssue = {
    code: error.code,
    severity: 'error',
    location: error.location ?? '',
    message: error.message,
    condition: parseErrorCondition(error.code),
  };

  return writeAck(source, { ...options, code: options.code ?? 'AR' }, [issue]);
}

/** The table 0357 condition an ACK reports in ERR-3 for a parse error code. */
export function parseErrorCondition(code: Hl7ParseErrorCode): Hl7ErrorCondition {
  return PARSE_ERROR_CONDITION[code];
}

function writeAck(
  source: HeaderSource,
  options: AckOptions,
  issues: readonly ValidationIssue[],
): Hl7Message {
  if (options.controlId === '') throw new RangeError('An ACK needs a control id for its MSH-10');
  const timestamp = formatTimestamp(options.timestamp);
  const d = source.delimiters;
  const text = (value: string): string => writeText(value, d);

  const trigger = component(source.field(9), d, 2);
  const msh: string[] = [
    headerPrefix('MSH', d),
    options.sendingApplication === undefined
      ? source.field(5)
      : writeHd(options.sendingApplication, d),
    options.sendingFacility === undefined ? source.field(6) : writeHd(options.sendingFacility, d),
    source.field(3),
    source.field(4),
    timestamp,
    '',
    ['ACK', trigger, 'ACK'].join(d.component),
    text(options.controlId),
    source.field(11),
    source.field(12),
  ];
  const msh18 = source.field(18);
  if (msh18 !== '') {
    // msh[0] holds MSH-1 and MSH-2, so MSH-n sits at index n - 2.
    while (msh.length < 16) msh.push('');
    msh.push(msh18);
  }
  const msa = ['MSA', options.code, source.field(10), text(options.textMessage ?? '')];
  const errs = issues.map((issue) => writeErr(issue, d));

  const segments = [msh, msa, ...errs].map((fields) => trimEnd(fields).join(d.field));
  return new Hl7Message(segments, d, source.charset);
}

function writeErr(issue: ValidationIssue, d: Delimiters): string[] {
  const location = parseLocation(issue.location);
  const erl =
    location === undefined
      ? ''
      : trimEnd([
          location.segment,
          String(location.sequence),
          optionalNumber(location.field),
          optionalNumber(location.repetition),
          optionalNumber(location.component),
          optionalNumber(location.subcomponent),
        ]).join(d.component);
  const condition = [issue.condition, CONDITION_TEXT[issue.condition], 'HL70357'];

  return [
    'ERR',
    '',
    erl,
    condition.join(d.component),
    SEVERITY_CODE[issue.severity],
    writeText(issue.code, d),
    '',
    '',
    writeText(issue.message, d),
  ];
}

/**
 * Escapes text for the message; a message without an escape character cannot carry its
 * delimiters, so they become spaces rather than break the segment.
 */
function writeText(value: string, d: Delimiters): string {
  if (d.escape !== '') return escape(value, d);
  let out = '';
  for (const ch of value) {
    const isDelimiter =
      ch === d.field || ch === d.component || ch === d.repetition || ch === d.subcomponent;
    out += isDelimiter || ch === '\r' || ch === '\n' ? ' ' : ch;
  }
  return out;
}

function writeHd(value: string | HierarchicDesignator, d: Delimiters): string {
  if (typeof value === 'string') return writeText(value, d);
  const parts = [value.namespaceId ?? '', value.universalId ?? '', value.universalIdType ?? ''];
  return trimEnd(parts.map((part) => writeText(part, d))).join(d.component);
}

function formatTimestamp(timestamp: Date | string): string {
  if (typeof timestamp === 'string') {
    if (!DTM.test(timestamp)) throw new RangeError('The ACK timestamp is not an HL7 DTM');
    return timestamp;
  }
  if (Number.isNaN(timestamp.getTime())) throw new RangeError('The ACK timestamp is not a date');
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    String(timestamp.getUTCFullYear()).padStart(4, '0') +
    two(timestamp.getUTCMonth() + 1) +
    two(timestamp.getUTCDate()) +
    two(timestamp.getUTCHours()) +
    two(timestamp.getUTCMinutes()) +
    two(timestamp.getUTCSeconds()) +
    '+0000'
  );
}

/**
 * The MSH line of the input, if it starts with one: after a BOM and leading line breaks, at
 * most 64 KiB. Bytes are decoded in the charset their own MSH-18 names, as `parse` does.
 */
function headerOf(input: string | Uint8Array): HeaderSource {
  if (typeof input === 'string') {
    const [start, end] = firstLineBounds(input.slice(0, MAX_HEADER_LENGTH + 8));
    return salvageHeader(input.slice(start, end));
  }

  const bytes = input.subarray(0, MAX_HEADER_LENGTH + 8);
  const [start, end] = firstLineBounds(decodeBytes(bytes, 'latin1'));
  const line = bytes.subarray(start, end);
  const header = salvageHeader(decodeBytes(line, 'latin1'));
  return header.charset === 'utf-8' ? salvageHeader(decodeBytes(line, 'utf-8')) : header;
}

function firstLineBounds(text: string): [number, number] {
  const start = /^(?:\uFEFF|\u00EF\u00BB\u00BF)?[\r\n\t ]*/.exec(text)?.[0].length ?? 0;
  const end = text.slice(start).search(/[\r\n]/);
  return [start, Math.min(end < 0 ? text.length : start + end, start + MAX_HEADER_LENGTH)];
}

function salvageHeader(line: string): HeaderSource {
  // Without a readable header the ACK still states the processing id and version it is
  // written in, which MSH-11 and MSH-12 require.
  const unusable: HeaderSource = {
    delimiters: DEFAULT_DELIMITERS,
    charset: 'utf-8',
    field: (n) => (n === 11 ? 'P' : n === 12 ? '2.5.1' : ''),
  };
  if (!line.startsWith('MSH')) return unusable;

  let delimiters: Delimiters;
  try {
    delimiters = readDelimiters(line);
  } catch {
    return unusable;
  }
  const fields = line.split(delimiters.field);
  const msh18 = fields[17] ?? '';
  const charset = charsetFromMsh18(firstRepetition(msh18, delimiters));
  return {
    delimiters,
    charset: charset ?? 'utf-8',
    // MSH-n sits at index n - 1, for MSH-1 is the separator between 'MSH' and MSH-2.
    field: (n) => (n === 18 && charset === undefined ? '' : (fields[n - 1] ?? '')),
  };
}

function firstRepetition(raw: string, d: Delimiters): string {
  return d.repetition === '' ? raw : (raw.split(d.repetition)[0] ?? '');
}

/** The raw `n`th component of a field's first repetition. */
function component(raw: string, d: Delimiters, n: number): string {
  return firstRepetition(raw, d).split(d.component)[n - 1] ?? '';
}

function optionalNumber(n: number | undefined): string {
  return n === undefined ? '' : String(n);
}

function trimEnd(fields: string[]): string[] {
  let end = fields.length;
  while (end > 1 && fields[end - 1] === '') end--;
  return end === fields.length ? fields : fields.slice(0, end);
}
