/**
 * The audit log's line format, shared by the writer and the verifier. One entry is one
 * JSON line in an append blob `audit/YYYY/MM/DD/<instance>.jsonl`:
 *
 * ```
 * {"v":1,"seq":0,"at":"...","actor":"...","action":"...","outcome":"success",...,"prev":"<hex>","hash":"<hex>"}
 * ```
 *
 * `hash` is the SHA-256 of the line as written up to (not including) `,"hash":`, closed
 * with `}`: the entry's own content, its sequence and its `prev`. `prev` is the previous
 * entry's `hash`, or the blob's genesis value (`genesisHash(blobName)`) for the first
 * entry. So a changed byte breaks the entry's own hash, and a removed or reordered line
 * breaks the next entry's `prev` link.
 *
 * Entries hold ids and codes only. Values that do not look like one (a resource with
 * spaces, an address that is not an IP) are replaced by `REDACTED_VALUE` and named in
 * `redacted`, so a caller's mistake can never put patient data into the log.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';

import type { AuditEvent, AuditOutcome } from './audit-writer.js';

/** The entry format version written in `v`. */
export const AUDIT_ENTRY_VERSION = 1;

/** What replaces a field value that does not have the shape of an id or code. */
export const REDACTED_VALUE = '[unsafe]';

/** The outcomes an entry may record. */
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'denied', 'failure'];

/** One entry as stored, in the order its fields are written. */
export interface AuditEntry {
  /** The format version, `AUDIT_ENTRY_VERSION`. */
  v: number;
  /** The entry's position in its blob, from 0. */
  seq: number;
  /** When the log accepted the event (ISO 8601, UTC). */
  at: string;
  /** Who acted. */
  actor: string;
  /** What was done. */
  action: string;
  /** What it was done to. */
  resource?: string;
  /** How it ended. */
  outcome: AuditOutcome;
  /** The gateway error code of a refusal or failure. */
  code?: string;
  /** The caller's IP address. */
  ip?: string;
  /** The W3C trace id. */
  traceId?: string;
  /** Fields whose values were replaced by `REDACTED_VALUE`. */
  redacted?: string[];
  /** The previous entry's `hash`, or the blob's genesis value. */
  prev: string;
  /** The SHA-256 of this entry's line up to `hash` (see the module comment). */
  hash: string;
}

const SHAPES = {
  actor: /^[A-Za-z0-9._@:-]{1,128}$/,
  action: /^[A-Za-z][A-Za-z0-9._-]{0,63}$/,
  resource: /^[A-Za-z0-9._:/@{}-]{1,256}$/,
  code: /^[A-Z][A-Z0-9_]{0,63}$/,
  traceId: /^[0-9a-f]{32}$/,
} as const;

const HEX_HASH = /^[0-9a-f]{64}$/;
const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/;

/** The SHA-256 of `text` (UTF-8), as 64 lower-case hex characters. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The `prev` of a blob's first entry: the SHA-256 of `hl7gw-audit/v1 ` followed by the
 * blob name. Binding it to the name means a blob copied under another day or instance
 * does not verify there.
 */
export function genesisHash(blobName: string): string {
  return sha256Hex(`hl7gw-audit/v1 ${blobName}`);
}

/** The blob an instance writes on a day: `audit/YYYY/MM/DD/<instance>.jsonl` (UTC date). */
export function auditBlobName(at: Date, instance: string): string {
  return `${auditDayPrefix(at.toISOString().slice(0, 10))}${instance}.jsonl`;
}

/**
 * The name prefix of a day's blobs, `audit/YYYY/MM/DD/`. Throws `RangeError` for a day
 * that is not `YYYY-MM-DD`.
 */
export function auditDayPrefix(day: string): string {
  const time = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  // A round trip refuses days that do not exist, such as 2025-02-30.
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== day) {
    throw new RangeError('a day must be YYYY-MM-DD');
  }
  return `audit/${day.replaceAll('-', '/')}/`;
}

/**
 * The stored form of `event` at position `seq` after `prev`: a line without its newline,
 * and the entry's hash, which the next entry links to.
 */
export function formatAuditEntry(
  event: AuditEvent,
  seq: number,
  at: Date,
  prev: string,
): { line: string; hash: string } {
  const redacted: string[] = [];
  const safe = (field: keyof typeof SHAPES, value: string | undefined) => {
    if (value === undefined) return undefined;
    if (SHAPES[field].test(value)) return value;
    redacted.push(field);
    return REDACTED_VALUE;
  };

  const outcome = AUDIT_OUTCOMES.includes(event.outcome) ? event.outcome : 'failure';
  const body: Record<string, unknown> = {
    v: AUDIT_ENTRY_VERSION,
    seq,
    at: at.toISOString(),
    actor: safe('actor', event.actor),
    action: safe('action', event.action),
    resource: safe('resource', event.resource),
    outcome,
    code: safe('code', event.code),
    ip: safeIp(event.ip, redacted),
    traceId: safe('traceId', event.traceId),
  };
  if (redacted.length > 0) body.redacted = redacted;
  body.prev = prev;

  // JSON.stringify drops undefined members, so absent fields leave no trace in the line.
  const content = JSON.stringify(body);
  const hash = sha256Hex(content);
  return { line: `${content.slice(0, -1)},"hash":"${hash}"}`, hash };
}

/** Why one line is not a well-formed entry. */
export type AuditLineProblem = 'malformed' | 'hash-mismatch';

/**
 * Reads one stored line: the entry, or the reason it cannot be trusted on its own
 * (`malformed`: not an entry at all; `hash-mismatch`: its content was changed).
 */
export function readAuditLine(line: string): { entry: AuditEntry } | { problem: AuditLineProblem } {
  const match = HASH_SUFFIX.exec(line);
  if (match === null) return { problem: 'malformed' };

  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { problem: 'malformed' };
  }
  if (!isEntry(parsed)) return { problem: 'malformed' };

  const content = `${line.slice(0, match.index)}}`;
  if (sha256Hex(content) !== match[1]) return { problem: 'hash-mismatch' };
  return { entry: parsed };
}

function isEntry(value: unknown): value is AuditEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entry = value as Record<string, unknown>;
  return (
    entry.v === AUDIT_ENTRY_VERSION &&
    Number.isSafeInteger(entry.seq) &&
    typeof entry.at === 'string' &&
    typeof entry.actor === 'string' &&
    typeof entry.action === 'string' &&
    typeof entry.outcome === 'string' &&
    typeof entry.prev === 'string' &&
    HEX_HASH.test(entry.prev) &&
    typeof entry.hash === 'string'
  );
}

/** An IP as the host saw it, without a port; anything else is redacted. */
function safeIp(value: string | undefined, redacted: string[]): string | undefined {
  if (value === undefined) return undefined;
  const bare = value.replace(/^\[(.*)\](:\d+)?$/, '$1').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
  if (isIP(bare) !== 0) return bare;
  redacted.push('ip');
  return REDACTED_VALUE;
}
