/**
 * The audit log's verifier: walks every blob of a day (or a range of days) and reports,
 * per blob, the first line whose chain breaks. It checks, line by line, that each entry
 * is whole, that its own hash matches its content (a changed byte), that its `prev` is the
 * hash of the line before or the blob's genesis value (a removed, inserted or reordered
 * line), that `seq` counts from 0 and that `at` falls on the blob's day. Then that the
 * blob is an append blob, and that it has no more committed blocks than lines (every
 * append of the writer carries one or more whole entries, so more blocks than lines means
 * lines were taken away).
 *
 * What a hash chain cannot show is in `docs/security.md`: a whole blob deleted, lines
 * removed from the end of a blob by someone who rewrites it append by append, or a blob
 * rewritten by someone who recomputes every hash.
 */
import type { ContainerClient } from '@azure/storage-blob';

import { auditDayPrefix, genesisHash, readAuditLine } from './audit-entry.js';
import { auditBlobService, DEFAULT_AUDIT_CONTAINER } from './audit-log.js';
import type { StorageConnection } from './config.js';
import type { StorageRetry } from './credential.js';
import { toPlatformError } from './errors.js';

/** Why a blob does not verify. */
export type AuditBreakReason =
  /** A line is not an audit entry (cut short, not JSON, fields missing). */
  | 'malformed'
  /** A line's content does not match its own hash: a byte was changed. */
  | 'hash-mismatch'
  /** A line's `prev` is not the hash of the line before: a line was removed, added or moved. */
  | 'broken-link'
  /** `seq` does not count up from 0. */
  | 'sequence'
  /** An entry's time is not on the day its blob is named for. */
  | 'wrong-day'
  /** The blob does not end with a newline: its last entry was cut. */
  | 'truncated'
  /** More committed blocks than lines: lines were removed. */
  | 'block-count'
  /** The blob is not an append blob, so it was rewritten. */
  | 'not-append-blob';

/** The first place a blob's chain breaks. */
export interface AuditBreak {
  /** The blob name. */
  blob: string;
  /** The 1-based line number, or 0 when the blob as a whole is at fault. */
  line: number;
  /** What is wrong. */
  reason: AuditBreakReason;
  /** One sentence for an operator; never an entry's content. */
  detail: string;
}

/** What one blob holds and whether it verifies. */
export interface AuditBlobReport {
  /** The blob name. */
  blob: string;
  /** How many lines verified before the break (all of them when there is none). */
  verifiedEntries: number;
  /** The first break, when there is one. */
  break?: AuditBreak;
}

/** The result of verifying one or more days. */
export interface AuditVerification {
  /** The days walked, `YYYY-MM-DD`, in order. */
  days: string[];
  /** Every blob found, in name order. */
  blobs: AuditBlobReport[];
  /** The first break in day and blob-name order; absent when everything verifies. */
  firstBreak?: AuditBreak;
}

/** What is known about a blob besides its content. */
export interface AuditBlobFacts {
  /** The committed block count of an append blob. */
  committedBlockCount?: number;
  /** The blob type as storage reports it. */
  blobType?: string;
}

/** The longest range `verifyRange` walks, in days. */
export const MAX_VERIFY_DAYS = 366;

/**
 * Verifies one blob's content. Pure: the caller has read the blob. `name` must be the
 * blob's name, since the first entry links to a genesis value derived from it.
 */
export function verifyAuditBlob(
  name: string,
  content: Buffer,
  facts: AuditBlobFacts = {},
): AuditBlobReport {
  const fail = (line: number, reason: AuditBreakReason, detail: string, verified: number) => ({
    blob: name,
    verifiedEntries: verified,
    break: { blob: name, line, reason, detail },
  });

  if (facts.blobType !== undefined && facts.blobType !== 'AppendBlob') {
    return fail(0, 'not-append-blob', `the blob is a ${facts.blobType}, not an append blob`, 0);
  }

  const text = content.toString('utf8');
  const lines = text === '' ? [] : text.split('\n');
  const terminated = text === '' || text.endsWith('\n');
  if (terminated) lines.pop();
  const day = /^audit\/(\d{4})\/(\d{2})\/(\d{2})\//.exec(name)?.slice(1).join('-');

  let prev = genesisHash(name);
  for (const [index, line] of lines.entries()) {
    const number = index + 1;
    if (!terminated && index === lines.length - 1) {
      return fail(number, 'truncated', 'the last line is cut short (no newline)', index);
    }

    const read = readAuditLine(line);
    if ('problem' in read) {
      const detail =
        read.problem === 'malformed'
          ? 'the line is not a whole audit entry'
          : 'the line does not match its own hash: it was changed';
      return fail(number, read.problem, detail, index);
    }
    const { entry } = read;
    if (entry.prev !== prev) {
      const before = index === 0 ? 'the genesis value of this blob' : `line ${index}`;
      const detail = `prev does not match ${before}: a line was removed, inserted or moved`;
      return fail(number, 'broken-link', detail, index);
    }
    if (entry.seq !== index) {
      return fail(number, 'sequence', `seq is ${entry.seq}, expected ${index}`, index);
    }
    if (day !== undefined && entry.at.slice(0, 10) !== day) {
      return fail(number, 'wrong-day', `the entry is not dated ${day}`, index);
    }
    prev = entry.hash;
  }

  const blocks = facts.committedBlockCount;
  if (blocks !== undefined && blocks > lines.length) {
    const detail = `the blob received ${blocks} appends but holds only ${lines.length} lines`;
    return fail(lines.length + 1, 'block-count', detail, lines.length);
  }
  return { blob: name, verifiedEntries: lines.length };
}

/** Reads and verifies audit blobs in a container. */
export class AuditVerifier {
  readonly #container: ContainerClient;

  /** Verifies the blobs of `container`. */
  constructor(container: ContainerClient) {
    this.#container = container;
  }

  /** A verifier for the audit container of a storage account. */
  static fromConnection(
    storage: StorageConnection,
    options: { container?: string; retry?: StorageRetry } = {},
  ): AuditVerifier {
    const service = auditBlobService(storage, options.retry);
    return new AuditVerifier(
      service.getContainerClient(options.container ?? DEFAULT_AUDIT_CONTAINER),
    );
  }

  /**
   * Verifies every blob of `day` (`YYYY-MM-DD`). Throws `RangeError` for a malformed day
   * and `PlatformError` when storage fails; a missing container means no entries.
   */
  async verifyDay(day: string): Promise<AuditVerification> {
    return this.verifyRange(day, day);
  }

  /**
   * Verifies every day from `from` to `to`, both inclusive (`YYYY-MM-DD`). Throws
   * `RangeError` when a day is malformed, `to` is before `from`, or the range is longer
   * than `MAX_VERIFY_DAYS`; `PlatformError` when storage fails.
   */
  async verifyRange(from: string, to: string): Promise<AuditVerification> {
    const days = daysBetween(from, to);
    const blobs: AuditBlobReport[] = [];
    for (const day of days) blobs.push(...(await this.#verifyPrefix(auditDayPrefix(day))));

    const firstBreak = blobs.find((report) => report.break !== undefined)?.break;
    return { days, blobs, ...(firstBreak === undefined ? {} : { firstBreak }) };
  }

  async #verifyPrefix(prefix: string): Promise<AuditBlobReport[]> {
    const reports: AuditBlobReport[] = [];
    try {
      if (!(await this.#container.exists())) return reports;
      for await (const item of this.#container.listBlobsFlat({ prefix })) {
        const blob = this.#container.getBlobClient(item.name);
        const properties = await blob.getProperties();
        const content = await blob.downloadToBuffer();
        const facts: AuditBlobFacts = {
          ...(properties.blobType === undefined ? {} : { blobType: properties.blobType }),
          ...(properties.blobCommittedBlockCount === undefined
            ? {}
            : { committedBlockCount: properties.blobCommittedBlockCount }),
        };
        reports.push(verifyAuditBlob(item.name, content, facts));
      }
    } catch (error) {
      throw toPlatformError(error, 'storage');
    }
    return reports;
  }
}

/** Every day from `from` to `to` inclusive, as `YYYY-MM-DD`. */
function daysBetween(from: string, to: string): string[] {
  auditDayPrefix(from);
  auditDayPrefix(to);
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (end < start) throw new RangeError('the range ends before it starts');

  const count = Math.round((end - start) / 86_400_000) + 1;
  if (count > MAX_VERIFY_DAYS) {
    throw new RangeError(`a range may cover at most ${MAX_VERIFY_DAYS} days`);
  }
  return Array.from({ length: count }, (_, index) =>
    new Date(start + index * 86_400_000).toISOString().slice(0, 10),
  );
}
