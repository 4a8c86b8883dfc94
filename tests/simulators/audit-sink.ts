/**
 * The audit/compliance sink: receives audit trail exports and checks them as an auditor
 * would, without trusting the gateway's own verifier. An export is the JSON lines of one
 * audit blob (`audit/YYYY/MM/DD/<instance>.jsonl`, the format of
 * `packages/platform/src/audit-entry.ts`), POSTed to `/audit` with the blob name in `X-Audit-Blob`.
 *
 * Checks, line by line: each line's `hash` is the SHA-256 of the line up to `,"hash":`
 * closed with `}`; `prev` is the previous line's `hash`, or for the first line the genesis
 * value SHA-256(`hl7gw-audit/v1 <blob name>`) (without a blob name, the first `prev` is
 * taken as given); `seq` counts up from the first line's. The first broken line is
 * reported with its problem. Every export is kept, with its verdict.
 */
import { createHash } from 'node:crypto';

import { Behaviour } from './behaviour.js';
import { startHttpSim, type HttpSim, type ListenOptions, type SimResponse } from './http-server.js';

/** The verdict on one export. */
export interface AuditVerdict {
  ok: boolean;
  /** Lines read. */
  entries: number;
  /** The 1-based line number of the first broken line. */
  brokenLine?: number;
  /** What broke there. */
  problem?: 'malformed' | 'hash-mismatch' | 'chain-broken' | 'sequence-gap';
}

/** One export received. */
export interface AuditExport {
  atMs: number;
  blob?: string;
  verdict: AuditVerdict;
  lines: string[];
}

/** A running audit sink. */
export interface AuditSink extends HttpSim {
  /** `<origin>/audit`. */
  url: string;
  behaviour: Behaviour<SimResponse>;
  exports: AuditExport[];
}

const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Checks the lines of one audit blob. */
export function checkAuditChain(lines: readonly string[], blob?: string): AuditVerdict {
  let prev = blob === undefined ? undefined : sha256(`hl7gw-audit/v1 ${blob}`);
  let seq: number | undefined;
  for (const [index, line] of lines.entries()) {
    const broken = (problem: AuditVerdict['problem']): AuditVerdict => ({
      ok: false,
      entries: lines.length,
      brokenLine: index + 1,
      ...(problem === undefined ? {} : { problem }),
    });
    const match = HASH_SUFFIX.exec(line);
    let entry: { seq?: unknown; prev?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return broken('malformed');
    }
    if (match === null || typeof entry.prev !== 'string' || typeof entry.seq !== 'number') {
      return broken('malformed');
    }
    if (sha256(`${line.slice(0, match.index)}}`) !== match[1]) return broken('hash-mismatch');
    if (prev !== undefined && entry.prev !== prev) return broken('chain-broken');
    if (seq !== undefined && entry.seq !== seq + 1) return broken('sequence-gap');
    prev = match[1];
    seq = entry.seq;
  }
  return { ok: true, entries: lines.length };
}

/** Starts the audit sink. */
export async function startAuditSink(options: ListenOptions = {}): Promise<AuditSink> {
  const behaviour = new Behaviour<SimResponse>();
  const exports: AuditExport[] = [];

  const sim = await startHttpSim(
    options,
    behaviour,
    async (request) => {
      if (request.method !== 'POST' || request.path !== '/audit') return { status: 404 };
      await behaviour.delay();
      const decision = behaviour.decide();
      if (decision.kind === 'forced') return decision.response;
      if (decision.kind === 'fail') return { status: 503 };

      const blob = blobOf(request.headers['x-audit-blob']);
      const lines = request.body.split('\n').filter((line) => line.trim() !== '');
      const verdict = checkAuditChain(lines, blob);
      exports.push({ atMs: Date.now(), verdict, lines, ...(blob ? { blob } : {}) });
      return { status: verdict.ok ? 200 : 422, body: verdict };
    },
    {
      get: () => exports.map(({ atMs, blob, verdict }) => ({ atMs, blob, verdict })),
      clear: () => void (exports.length = 0),
    },
  );
  return { ...sim, url: `${sim.origin}/audit`, behaviour, exports };
}

function blobOf(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}
