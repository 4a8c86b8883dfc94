/**
 * Writing HL7 v2 batches (v2.5.1 section 2.10.3): new ones from messages, and read ones back,
 * with BTS-1 and FTS-1 always counting what is written.
 */
import { DEFAULT_DELIMITERS, encodingCharacters, type Delimiters } from './delimiters.js';
import type { BatchMember, Hl7Batch } from './batch.js';
import type { Hl7Message } from './message.js';
import { Hl7Segment } from './segment.js';

/** Fields 3 to 12 of a new FHS or BHS, as HL7 text already escaped in the batch's delimiters. */
export interface BatchHeaderFields {
  /** FHS-3 / BHS-3, sending application (HD). */
  readonly sendingApplication?: string;
  /** FHS-4 / BHS-4, sending facility (HD). */
  readonly sendingFacility?: string;
  /** FHS-5 / BHS-5, receiving application (HD). */
  readonly receivingApplication?: string;
  /** FHS-6 / BHS-6, receiving facility (HD). */
  readonly receivingFacility?: string;
  /** FHS-7 / BHS-7, creation date/time (DTM), such as `20240315083000-0500`. */
  readonly createdAt?: string;
  /** FHS-8 / BHS-8, security. */
  readonly security?: string;
  /** FHS-9 / BHS-9, file name or batch name/id/type. */
  readonly name?: string;
  /** FHS-10 / BHS-10, comment. */
  readonly comment?: string;
  /** FHS-11 / BHS-11, control id. */
  readonly controlId?: string;
  /** FHS-12 / BHS-12, the control id of the file or batch this one answers or replaces. */
  readonly referenceControlId?: string;
}

const HEADER_FIELD_NUMBERS: ReadonlyArray<readonly [keyof BatchHeaderFields, number]> = [
  ['sendingApplication', 3],
  ['sendingFacility', 4],
  ['receivingApplication', 5],
  ['receivingFacility', 6],
  ['createdAt', 7],
  ['security', 8],
  ['name', 9],
  ['comment', 10],
  ['controlId', 11],
  ['referenceControlId', 12],
];

/** What `buildBatch` writes around the messages. */
export interface BuildBatchOptions {
  /** The BHS: one to copy as it is, or the fields of a new one. Default: a BHS with none. */
  readonly bhs?: Hl7Segment | BatchHeaderFields;
  /** A BTS whose fields after BTS-1 (comment, totals) are kept; BTS-1 is always the count. */
  readonly bts?: Hl7Segment;
  /** Write the batch as a file: the FHS to copy, or the fields of a new one. Default: no file. */
  readonly fhs?: Hl7Segment | BatchHeaderFields;
  /** An FTS whose FTS-2 (comment) is kept; FTS-1 is always 1. */
  readonly fts?: Hl7Segment;
  /** The delimiters of new headers. Default: those of the first message, else `|^~\&`. */
  readonly delimiters?: Delimiters;
}

/**
 * Writes messages as one batch (v2.5.1 section 2.10.3): `BHS`, each message, `BTS` with
 * BTS-1 the number of messages; inside `FHS` ... `FTS` (FTS-1 is 1) when `fhs` is given.
 * Every segment ends with `\r`.
 * @throws RangeError when a segment given for a header or trailer has another name.
 */
export function buildBatch(
  messages: readonly Hl7Message[],
  options: BuildBatchOptions = {},
): string {
  const delimiters = options.delimiters ?? messages[0]?.delimiters ?? DEFAULT_DELIMITERS;

  let text = writeHeader('BHS', options.bhs ?? {}, delimiters) + '\r';
  for (const message of messages) text += message.toString();
  text += writeTrailer('BTS', options.bts, messages.length, delimiters) + '\r';
  if (options.fhs === undefined) return text;

  const fhs = writeHeader('FHS', options.fhs, delimiters) + '\r';
  return fhs + text + writeTrailer('FTS', options.fts, 1, delimiters) + '\r';
}

/**
 * Writes a read batch back: its FHS, each BHS with its messages and a BTS whose BTS-1 is
 * recounted, and an FTS whose FTS-1 is recounted; trailers the input lacked are added.
 * Messages written one after another without headers are written so again.
 * @throws RangeError when a member did not parse (its position is named): filter it out
 *   and build a new batch with `buildBatch` instead.
 */
export function serializeBatch(batch: Hl7Batch): string {
  const failed = batch.members.find((member) => member.message === undefined);
  if (failed) {
    throw new RangeError(`Batch member ${failed.position} did not parse and cannot be written`);
  }
  const write = (members: readonly BatchMember[]): string =>
    members.map((member) => (member.message as Hl7Message).toString()).join('');
  if (batch.batches.length === 0) return write(batch.members);

  let text = batch.fhs ? batch.fhs.toString() + '\r' : '';
  for (const group of batch.batches) {
    text += group.bhs.toString() + '\r' + write(group.members);
    text += writeTrailer('BTS', group.bts, group.members.length, group.bhs.delimiters) + '\r';
  }
  if (!batch.fhs) return text;
  return text + writeTrailer('FTS', batch.fts, batch.batches.length, batch.fhs.delimiters) + '\r';
}

function writeHeader(
  name: 'FHS' | 'BHS',
  header: Hl7Segment | BatchHeaderFields,
  delimiters: Delimiters,
): string {
  if (header instanceof Hl7Segment) return checkName(header, name).toString();

  const pieces = [name, encodingCharacters(delimiters)];
  for (const [key, field] of HEADER_FIELD_NUMBERS) {
    const value = header[key];
    if (value === undefined || value === '') continue;
    while (pieces.length < field - 1) pieces.push('');
    pieces[field - 1] = value;
  }
  return pieces.join(delimiters.field);
}

function writeTrailer(
  name: 'BTS' | 'FTS',
  trailer: Hl7Segment | undefined,
  count: number,
  delimiters: Delimiters,
): string {
  if (trailer === undefined) return name + delimiters.field + count;

  const separator = checkName(trailer, name).delimiters.field;
  const pieces = trailer.toString().split(separator);
  pieces[1] = String(count);
  return pieces.join(separator);
}

function checkName(segment: Hl7Segment, name: string): Hl7Segment {
  if (segment.name !== name) {
    throw new RangeError(`Expected a ${name} segment, got ${segment.name}`);
  }
  return segment;
}
