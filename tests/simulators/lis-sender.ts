/**
 * The LIS simulator: a laboratory system that sends ORU^R01 messages at a set rate, over
 * HTTP to the gateway's ingest API (one message per request, or batches of N) or over MLLP
 * to any listener. Messages come from the corpus (files replayed in order, round robin) or
 * are generated. Sends are paced open-loop (each at its due time, not after the previous
 * answer), with a cap on those in flight, so a slow gateway shows up as latency rather than
 * as a lower offered rate. Every send is recorded with its latency and answer.
 */
import { readdir, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';

import { encodeMllp, MllpDecoder, parse } from '@hl7gw/hl7-core';

/** Where messages go. */
export type LisTarget =
  | { kind: 'http'; api: string; apiKey: string; batchSize?: number }
  | { kind: 'mllp'; host: string; port: number };

/** Where messages come from. */
export type LisSource =
  | { kind: 'corpus'; dir: string; messageType?: string }
  | { kind: 'generated'; facility?: string; patients?: number };

/** What to send. */
export interface LisRun {
  target: LisTarget;
  source: LisSource;
  /** Messages per minute offered. */
  ratePerMinute: number;
  /** How many messages; or stop after `durationMs`. */
  count?: number;
  durationMs?: number;
  /** Rewrite MSH-10 of every message so each is new to duplicate detection (default true). */
  uniqueControlIds?: boolean;
  /** Sends in flight at most; 64 by default. */
  maxInFlight?: number;
  /** Per-send deadline; 30 s by default. */
  timeoutMs?: number;
}

/** One send: a message (or a batch of them) and its answer. */
export interface LisSend {
  /** When it was due and when it went (epoch ms). */
  dueMs: number;
  sentMs: number;
  /** Milliseconds to the answer. */
  latencyMs: number;
  /** MSH-10 of each message in it. */
  controlIds: string[];
  /** HTTP status, or 0 over MLLP or on a network error. */
  status: number;
  /** MSA-1 over MLLP. */
  ack?: string;
  /** The gateway ids of an HTTP answer, when it gave them. */
  ids?: string[];
  /** A network error's code. */
  error?: string;
}

/** A run's record. */
export interface LisReport {
  sends: LisSend[];
  startedMs: number;
  endedMs: number;
  /** Messages sent (batches count their members). */
  messages: number;
}

/** A CR-separated ORU^R01 with one order and two observations, synthetic data only. */
export function generatedOru(index: number, facility = 'SIMLAB', patients = 50): string {
  const patient = `SIM${String(index % patients).padStart(5, '0')}`;
  const time = '20240305083500';
  const value = 70 + (index % 60);
  return [
    `MSH|^~\\&|SIMLIS|${facility}|GATEWAY|HOSP|${time}||ORU^R01^ORU_R01|SIM-${index}|P|2.5.1`,
    `PID|1||${patient}^^^${facility}^MR||TEST^PATIENT||19800101|U`,
    `OBR|1|ORD-${index}|FIL-${index}|2345-7^Glucose^LN|||${time}|||||||||||||||${time}|||F`,
    `OBX|1|NM|2345-7^Glucose^LN||${value}|mg/dL|70-99|${value > 99 ? 'H' : 'N'}|||F`,
    'OBX|2|NM|2951-2^Sodium^LN||140|mmol/L|135-145|N|||F',
  ].join('\r');
}

/** The corpus files of a type (MSH-9 `ORU^R01` by default) that parse, as text. */
export async function corpusMessages(dir: string, messageType = 'ORU^R01'): Promise<string[]> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name.endsWith('.hl7'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.includes(`${join('/', 'malformed')}`))
    .sort();
  const messages: string[] = [];
  for (const file of files) {
    const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
    try {
      if (parse(text).messageType === messageType) messages.push(text);
    } catch {
      // Not readable HL7: not something a lab would send on purpose.
    }
  }
  return messages;
}

/** Sets MSH-10 of `text` to `controlId`. */
export function withControlId(text: string, controlId: string): string {
  const message = parse(text);
  const fields = message.header.toString().split('|');
  fields[9] = controlId;
  const lines = text.split(/\r\n|\r|\n/);
  lines[0] = fields.join('|');
  return lines.filter((line) => line !== '').join('\r');
}

/** Runs the sender and resolves with every send once all have answered. */
export async function runLis(run: LisRun): Promise<LisReport> {
  const pool =
    run.source.kind === 'corpus'
      ? await corpusMessages(run.source.dir, run.source.messageType)
      : undefined;
  if (pool !== undefined && pool.length === 0) throw new Error('no corpus message to send');
  const runId = Date.now().toString(36);
  const source = run.source;
  const message = (index: number): string => {
    const text =
      pool === undefined
        ? generatedOru(
            index,
            source.kind === 'generated' ? source.facility : undefined,
            source.kind === 'generated' ? source.patients : undefined,
          )
        : (pool[index % pool.length] as string);
    return run.uniqueControlIds === false ? text : withControlId(text, `LIS-${runId}-${index}`);
  };

  const batchSize = run.target.kind === 'http' ? (run.target.batchSize ?? 1) : 1;
  const intervalMs = (60_000 / run.ratePerMinute) * batchSize;
  const maxInFlight = run.maxInFlight ?? 64;
  const startedMs = Date.now();
  const endMs = run.durationMs === undefined ? Infinity : startedMs + run.durationMs;
  const total = run.count ?? Infinity;
  if (total === Infinity && endMs === Infinity) throw new Error('give count or durationMs');

  const sends: LisSend[] = [];
  const inFlight = new Set<Promise<void>>();
  let index = 0;
  for (let slot = 0; index < total; slot++) {
    const dueMs = startedMs + slot * intervalMs;
    if (dueMs >= endMs) break;
    const waitMs = dueMs - Date.now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);

    const texts: string[] = [];
    for (let i = 0; i < batchSize && index < total; i++) texts.push(message(index++));
    const task = send(run, texts, dueMs).then((record) => void sends.push(record));
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  }
  await Promise.all(inFlight);
  return { sends, startedMs, endedMs: Date.now(), messages: index };
}

async function send(run: LisRun, texts: string[], dueMs: number): Promise<LisSend> {
  const sentMs = Date.now();
  const controlIds = texts.map((text) => parse(text).controlId);
  const base = { dueMs, sentMs, controlIds };
  const timeoutMs = run.timeoutMs ?? 30_000;
  try {
    if (run.target.kind === 'mllp') {
      const ack = await sendMllp(run.target.host, run.target.port, texts[0] as string, timeoutMs);
      return { ...base, latencyMs: Date.now() - sentMs, status: 0, ack };
    }
    const batch = texts.length > 1;
    const response = await fetch(`${run.target.api}/v1/${batch ? 'batches' : 'messages'}`, {
      method: 'POST',
      headers: {
        'x-api-key': run.target.apiKey,
        'content-type': 'x-application/hl7-v2+er7',
        accept: 'application/json',
      },
      body: texts.join('\r'),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const latencyMs = Date.now() - sentMs;
    const body = (await response.json().catch(() => undefined)) as
      { id?: string; accepted?: { id?: string }[] } | undefined;
    const ids = body?.accepted?.map((m) => m.id ?? '') ?? (body?.id ? [body.id] : undefined);
    return { ...base, latencyMs, status: response.status, ...(ids ? { ids } : {}) };
  } catch (error) {
    const code = (error as { code?: string; name?: string }).code ?? (error as Error).name;
    return { ...base, latencyMs: Date.now() - sentMs, status: 0, error: String(code) };
  }
}

/** Sends one message over MLLP and resolves with MSA-1 of the answer. */
export function sendMllp(host: string, port: number, text: string, timeoutMs: number) {
  return new Promise<string>((resolve, reject) => {
    const socket = connect({ host, port });
    const decoder = new MllpDecoder();
    const timer = setTimeout(
      () => socket.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
      timeoutMs,
    );
    socket.once('connect', () => socket.write(encodeMllp(text)));
    socket.on('data', (chunk: Buffer) => {
      const [frame] = decoder.push(chunk);
      if (frame === undefined) return;
      clearTimeout(timer);
      socket.end();
      try {
        resolve(parse(Buffer.from(frame).toString('utf8')).segment('MSA')?.value(1) ?? '');
      } catch {
        resolve('');
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
