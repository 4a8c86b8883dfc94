/**
 * The seed's scenarios TEST-001..005 and INT-TEST-001..005, against the whole gateway on the
 * local host with simulated downstream systems (tests/support/delivery-world.ts).
 *
 * Each scenario reads only its own results: one receiver records every publication on the
 * plain subscription by gateway id (result-log.ts), and a scenario looks up the ids its 202s
 * gave it. Waits are on conditions with generous deadlines: the machine is shared.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parse, profileFor, toResult, validate } from '@hl7gw/hl7-core';
import { AuditVerifier } from '@hl7gw/platform';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { call, eventually, getStatus, submit, type StatusView } from '../support/client.js';
import { oru } from '../support/hl7.js';
import { startAuditSink, type AuditSink } from '../simulators/audit-sink.js';
import { runLis, withControlId } from '../simulators/lis-sender.js';
import { differences, type Difference } from './differences.js';
import { startResultLog, type ResultLog } from './result-log.js';
import {
  accept,
  ALL_RESULTS,
  deliveredTo,
  resetSimulators,
  startWorld,
  statusesWhere,
  statusWhere,
  storageOf,
  type World,
} from '../support/delivery-world.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus', import.meta.url));

/**
 * How long a scenario waits for its messages to move on. On a starved machine the Service
 * Bus client closes a receiver link whose drain was not answered within its fixed 200 ms,
 * and what the link held waits out its 1-minute lock before it is delivered again; the
 * wait covers one such round, so it measures "eventually, each once", not speed.
 */
const SETTLE_MS = 150_000;
vi.setConfig({ testTimeout: SETTLE_MS + 30_000 });

/** The claim-check threshold (`HL7GW_CLAIM_CHECK_THRESHOLD_BYTES` default). */
const CLAIM_CHECK_BYTES = 192 * 1024;

let world: World;
let sink: AuditSink;
let results: ResultLog;

beforeAll(async () => {
  [world, sink] = await Promise.all([startWorld(), startAuditSink()]);
  results = startResultLog(world.gateway.bus, ALL_RESULTS);
});
afterAll(async () => {
  await results?.close();
  await world?.stop();
  await sink?.stop();
});
beforeEach(() => resetSimulators(world));

const delivered =
  (...names: string[]) =>
  (record: StatusView) =>
    names.every((name) => deliveredTo(record).includes(name));

describe('TEST-001 a single ORU^R01 end to end', () => {
  it('is accepted, processed, published once and delivered to every destination', async () => {
    const id = await accept(world.gateway, oru({ controlId: 'T001-1', abnormal: true }));

    const record = await statusWhere(
      world.gateway,
      id,
      delivered('ehr', 'hie', 'notify'),
      SETTLE_MS,
    );
    expect(record.history.map((s) => s.status).slice(0, 3)).toEqual([
      'received',
      'queued',
      'processed',
    ]);
    expect(deliveredTo(record)).toEqual(['ehr', 'hie', 'notify']);

    const published = await results.waitFor([id]);
    expect(published.get(id)?.controlId).toBe('T001-1');
    expect(published.get(id)?.properties).toMatchObject({ abnormal: true, resultStatus: 'F' });
    expect(results.of(id)).toHaveLength(1);
  });
});

describe('TEST-002 concurrent messages', () => {
  it(
    'processes 60 messages sent 20 at a time, each once',
    async () => {
      const ids = new Map<string, string>();
      const controlIds = Array.from({ length: 60 }, (_, n) => `T002-${n}`);
      for (let start = 0; start < controlIds.length; start += 20) {
        await Promise.all(
          controlIds.slice(start, start + 20).map(async (controlId, n) => {
            // Seven patients, so several messages share a session and wait for each other.
            const patientId = `TSTC${String((start + n) % 7).padStart(6, '0')}`;
            ids.set(controlId, await accept(world.gateway, oru({ controlId, patientId })));
          }),
        );
      }
      const all = [...ids.values()];
      expect(new Set(all).size).toBe(60);

      const published = await results.waitFor(all, SETTLE_MS);
      expect([...published.values()].map((r) => r.controlId).sort()).toEqual(
        [...controlIds].sort(),
      );
      await statusesWhere(world.gateway, all, delivered('ehr', 'hie'), SETTLE_MS);

      expect(all.filter((id) => results.of(id).length !== 1)).toEqual([]);
      const toEhr = world.ehr.acceptedByKey();
      expect(all.filter((id) => toEhr.get(id) !== 1)).toEqual([]);
      const toHie = world.hie.received.filter((m) => m.controlId.startsWith('T002-'));
      expect(toHie.map((m) => m.controlId).sort()).toEqual([...controlIds].sort());
    },
    2 * SETTLE_MS + 30_000,
  );
});

describe('TEST-003 invalid message handling', () => {
  it('refuses what is not HL7 with a coded problem', async () => {
    const answer = await submit(world.gateway, 'this is not an HL7 message');
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.body).toMatchObject({ code: expect.stringMatching(/^[A-Z0-9_]+$/) });
  });

  it('dead-letters a readable message the processor cannot map, with a coded reason', async () => {
    // An ORU^R01 without OBR and OBX: the header is fine, so ingest (which reads only MSH)
    // accepts it; the processor finds no order.
    const message = oru({ controlId: 'T003-2' })
      .split('\r')
      .filter((segment) => !segment.startsWith('OBR') && !segment.startsWith('OBX'))
      .join('\r');
    const id = await accept(world.gateway, message);

    const record = await statusWhere(
      world.gateway,
      id,
      (r) => r.status === 'dead-lettered',
      SETTLE_MS,
    );
    expect(record.history.at(-1)?.detail).toMatch(/^VALIDATION_FAILED\b/);
    expect(JSON.stringify(record)).not.toContain('TESTPATIENT');
    expect(results.of(id)).toEqual([]);
  });
});

describe('TEST-004 a large payload', () => {
  it(
    'travels by blob claim check and is processed and delivered whole',
    async () => {
      // A laboratory report embedded as four PDF parts in OBX-5 (ED), each under the 64 KB
      // field limit: about 218 KB of base64, over the claim-check threshold, while the result
      // document still fits one bus message.
      const part = (n: number) => {
        const bytes = Buffer.alloc(40 * 1024);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + n * 7) % 251;
        return bytes.toString('base64');
      };
      const parts = [1, 2, 3, 4].map(part);
      const base = oru({ controlId: 'T004-1' }).replace(/\r$/, '');
      const eds = parts.map(
        (data, n) =>
          `OBX|${n + 2}|ED|11502-2^Laboratory report^LN|${n + 1}|^application^pdf^Base64^${data}||||||F`,
      );
      const message = `${[base, ...eds].join('\r')}\r`;
      expect(Buffer.byteLength(message)).toBeGreaterThan(CLAIM_CHECK_BYTES);

      const id = await accept(world.gateway, message);
      const record = await statusWhere(
        world.gateway,
        id,
        (r) => r.status === 'dead-lettered' || delivered('ehr', 'hie')(r),
        SETTLE_MS,
      );
      expect(record.history.map((s) => `${s.status}:${s.detail ?? ''}`)).not.toContainEqual(
        expect.stringMatching(/^dead-lettered/),
      );
      expect(deliveredTo(record)).toEqual(['ehr', 'hie']);

      const storage = storageOf(world.gateway);
      const claims: string[] = [];
      for await (const container of storage.listContainers()) {
        const client = storage.getContainerClient(container.name);
        for await (const blob of client.listBlobsFlat({ prefix: `claims/${id}` })) {
          claims.push(blob.name);
        }
      }
      expect(claims).toEqual([`claims/${id}.hl7`]);

      const published = (await results.waitFor([id])).get(id)!;
      const orders = published.document.orders as { observations: { value?: unknown }[] }[];
      expect(orders[0]?.observations).toHaveLength(5);
      expect(orders[0]?.observations.slice(1).map((o) => o.value)).toEqual(
        parts.map((data) => expect.objectContaining({ type: 'attachment', data })),
      );
      const sent = world.hie.received.filter((m) => m.controlId === 'T004-1');
      expect(sent).toHaveLength(1);
      expect(sent[0]?.text.replace(/\r$/, '')).toBe(message.replace(/\r$/, ''));
      expect(world.ehr.stored.filter((t) => t.idempotencyKey === id)).toHaveLength(1);
    },
    2 * SETTLE_MS,
  );
});

/** Every file of the corpus, with what hl7-core itself makes of it. */
async function corpusCases() {
  const files = (await readdir(CORPUS, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name.endsWith('.hl7'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  return Promise.all(
    files.map(async (file, index) => {
      const original = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
      // A control id of its own, so corpus files that share MSH-10 are not duplicates.
      let text = original;
      let mappable = false;
      try {
        text = withControlId(original, `T005-${index}`);
        const message = parse(text);
        // The processor's default: lenient for every sender not listed as strict.
        const profile = profileFor(message.header.value(4, 1, 1), { default: 'lenient' });
        mappable =
          message.messageType === 'ORU^R01' &&
          !validate(message, { profile }).issues.some((issue) => issue.severity === 'error');
        if (mappable) toResult(message);
      } catch {
        mappable = false;
      }
      return { file: file.slice(CORPUS.length + 1), text, mappable };
    }),
  );
}

/** Runs `task` over `items`, `width` at a time, keeping their order. */
async function inBatches<T, R>(items: T[], width: number, task: (item: T) => Promise<R>) {
  const out: R[] = [];
  for (let start = 0; start < items.length; start += width) {
    out.push(...(await Promise.all(items.slice(start, start + width).map(task))));
  }
  return out;
}

/** One line per mismatch: file, field path, and the kinds of value (never the values). */
function mismatchReport(mismatches: (Difference & { file: string })[]): string {
  const shown = mismatches.slice(0, 80);
  const lines = shown.map(
    (m) => `  ${m.file}  ${m.path}  expected ${m.expected}, actual ${m.actual}`,
  );
  const more =
    mismatches.length > shown.length ? `\n  ... and ${mismatches.length - shown.length} more` : '';
  return `${mismatches.length} mismatches between the gateway and hl7-core:\n${lines.join('\n')}${more}\n`;
}

describe('TEST-005 parsing and mapping accuracy over the corpus', () => {
  it(
    'maps every corpus file exactly as hl7-core does, and refuses the rest with a code',
    async () => {
      const cases = await corpusCases();
      expect(cases.length).toBeGreaterThan(100);
      const outcomes = await inBatches(cases, 8, async (item) => ({
        item,
        answer: await submit(world.gateway, item.text),
      }));

      const mismatches: (Difference & { file: string })[] = [];
      const outcome = (file: string, expected: string, actual: string) =>
        mismatches.push({ file, path: '(outcome)', expected, actual });
      const accepted = new Map<string, (typeof cases)[number]>();
      for (const { item, answer } of outcomes) {
        const code = (answer.body as { code?: unknown } | undefined)?.code;
        if (answer.status === 202) accepted.set((answer.body as { id: string }).id, item);
        else if (item.mappable) outcome(item.file, 'accepted', `refused ${answer.status}`);
        else if (typeof code !== 'string' || !/^[A-Z0-9_]+$/.test(code)) {
          outcome(item.file, 'refused with a code', `refused ${answer.status} without a code`);
        }
      }

      const settled = await statusesWhere(
        world.gateway,
        [...accepted.keys()],
        (r) => ['processed', 'delivered', 'dead-lettered'].includes(r.status),
        SETTLE_MS,
      );
      const published: string[] = [];
      for (const [id, item] of accepted) {
        const record = settled.get(id)!;
        const deadLettered = record.history.find((s) => s.status === 'dead-lettered');
        if (item.mappable && deadLettered) {
          outcome(item.file, 'published', `dead-lettered ${deadLettered.detail ?? ''}`);
        } else if (!item.mappable && !deadLettered) {
          outcome(item.file, 'dead-lettered', record.status);
        } else if (item.mappable) {
          published.push(id);
        }
      }

      const documents = await results.waitFor(published, SETTLE_MS);
      for (const id of published) {
        const item = accepted.get(id)!;
        const expected = JSON.parse(
          JSON.stringify(toResult(parse(item.text), { gatewayMessageId: id })),
        );
        for (const difference of differences(expected, documents.get(id)!.document)) {
          mismatches.push({ file: item.file, ...difference });
        }
        if (results.of(id).length !== 1) {
          outcome(item.file, 'published once', `published ${results.of(id).length} times`);
        }
      }

      expect(mismatches.length, mismatchReport(mismatches)).toBe(0);
      expect(published).toHaveLength(cases.filter((c) => c.mappable).length);
      expect(published.length).toBeGreaterThan(50);
    },
    2 * SETTLE_MS + 30_000,
  );
});

describe('INT-TEST-001 EHR via FHIR', () => {
  it('stores a transaction Bundle with the observation, keyed by the gateway id', async () => {
    const id = await accept(world.gateway, oru({ controlId: 'I001-1' }));
    await statusWhere(world.gateway, id, delivered('ehr'), SETTLE_MS);

    const stored = world.ehr.stored.filter((t) => t.idempotencyKey === id);
    expect(stored).toHaveLength(1);
    const types = stored[0]!.bundle.entry.map((e) => e.resource.resourceType);
    expect(types).toEqual(expect.arrayContaining(['Patient', 'DiagnosticReport', 'Observation']));
  });
});

describe('INT-TEST-002 LIS in', () => {
  it('takes the LIS simulator’s single messages and batches over HTTP', async () => {
    const target = { kind: 'http' as const, api: world.gateway.api, apiKey: world.gateway.apiKey };
    const single = await runLis({
      target,
      source: { kind: 'generated', facility: 'SIMLAB' },
      ratePerMinute: 1_200,
      count: 10,
    });
    const batched = await runLis({
      target: { ...target, batchSize: 5 },
      source: { kind: 'corpus', dir: CORPUS },
      ratePerMinute: 1_200,
      count: 10,
    });
    const sends = [...single.sends, ...batched.sends];
    expect(sends.map((s) => s.status)).toEqual(sends.map(() => 202));
    const ids = sends.flatMap((s) => s.ids ?? []);
    expect(new Set(ids).size).toBe(20);

    const published = await results.waitFor(ids, SETTLE_MS);
    const sent = sends.flatMap((s) => s.controlIds).sort();
    expect([...published.values()].map((r) => r.controlId).sort()).toEqual(sent);
    expect(ids.filter((id) => results.of(id).length !== 1)).toEqual([]);
  });
});

describe('INT-TEST-003 HIE via MLLP', () => {
  it('sends the HIE the message as the lab sent it and records its AA', async () => {
    const message = oru({ controlId: 'I003-1' });
    const id = await accept(world.gateway, message);
    await statusWhere(world.gateway, id, delivered('hie'), SETTLE_MS);

    const received = world.hie.received.filter((m) => m.controlId === 'I003-1');
    expect(received).toHaveLength(1);
    expect(received[0]?.answer).toEqual({ ack: 'AA' });
    expect(received[0]?.text.replace(/\r$/, '')).toBe(message.replace(/\r$/, ''));
  });
});

describe('INT-TEST-004 notifications via webhook', () => {
  it('notifies abnormal results only, signed, and the receiver verifies them', async () => {
    const abnormal = await accept(world.gateway, oru({ controlId: 'I004-1', abnormal: true }));
    const normal = await accept(world.gateway, oru({ controlId: 'I004-2' }));
    await statusWhere(world.gateway, abnormal, delivered('notify'), SETTLE_MS);
    await statusWhere(world.gateway, normal, delivered('ehr', 'hie'), SETTLE_MS);

    expect(world.hook.accepted.filter((n) => n.idempotencyKey === abnormal)).toHaveLength(1);
    expect(world.hook.accepted.some((n) => n.idempotencyKey === normal)).toBe(false);
    expect(world.hook.refused).toEqual([]);
    expect(deliveredTo(await getStatus(world.gateway, normal))).toEqual(['ehr', 'hie']);
  });
});

describe('INT-TEST-005 audit trail', () => {
  it('exports an audit chain the compliance sink accepts, and a tampered one it does not', async () => {
    // Status reads and a refused key are audited.
    const id = await accept(world.gateway, oru({ controlId: 'I005-1' }));
    await getStatus(world.gateway, id);
    await call(
      { ...world.gateway, apiKey: 'not-a-key-0123456789abcdef' },
      'GET',
      `/v1/messages/${id}`,
    );

    const day = new Date().toISOString().slice(0, 10);
    const storage = storageOf(world.gateway);
    const container = storage.getContainerClient('hl7gw-audit');
    const blobs = await eventually('audit blobs', async () => {
      const names: string[] = [];
      if (!(await container.exists())) return undefined;
      for await (const blob of container.listBlobsFlat({
        prefix: `audit/${day.replace(/-/g, '/')}/`,
      }))
        names.push(blob.name);
      return names.length > 0 ? names : undefined;
    });

    for (const name of blobs) {
      const body = (await container.getBlobClient(name).downloadToBuffer()).toString('utf8');
      const answer = await fetch(sink.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', 'x-audit-blob': name },
        body,
      });
      expect(answer.status).toBe(200);
    }
    expect(sink.exports.every((e) => e.verdict.ok)).toBe(true);
    const entries = sink.exports.reduce((n, e) => n + e.verdict.entries, 0);
    expect(entries).toBeGreaterThan(1);
    // The gateway's own verifier (`hl7gw audit verify`) agrees.
    const verification = await AuditVerifier.fromConnection({
      kind: 'connection-string',
      connectionString: world.gateway.env.AzureWebJobsStorage!,
    }).verifyDay(day);
    expect(verification.firstBreak).toBeUndefined();
    expect(verification.blobs.reduce((n, b) => n + b.verifiedEntries, 0)).toBeGreaterThanOrEqual(
      entries,
    );

    // An entry edited after the fact breaks the chain at that line.
    const name = blobs[0]!;
    const lines = (await container.getBlobClient(name).downloadToBuffer()).toString('utf8');
    const tampered = lines.replace(/"outcome":"[a-z]+"/, '"outcome":"tampered"');
    expect(tampered).not.toBe(lines);
    const refused = await fetch(sink.url, {
      method: 'POST',
      headers: { 'x-audit-blob': name },
      body: tampered,
    });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { problem?: string }).problem).toBe('hash-mismatch');
  });
});

describe('the result log itself', () => {
  it('saw no receive or settlement error while the scenarios ran', () => {
    expect(results.errors).toEqual([]);
  });
});
