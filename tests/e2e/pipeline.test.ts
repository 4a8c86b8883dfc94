/**
 * The gateway end to end on one host in this process: what a lab system sends over HTTP
 * comes out as result documents on `hl7-results` subscriptions, dead-letters when it is
 * wrong, and can be corrected and replayed by an operator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  call,
  drainResults,
  eventually,
  submit,
  waitForStatus,
  type DeliveredResult,
} from '../support/client.js';
import { startGateway, type Gateway } from '../support/gateway.js';
import { fhsBatch, oru } from '../support/hl7.js';

const ALL = 'e2e-all';
const ABNORMAL = 'e2e-abnormal';

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({
    subscriptions: [{ name: ALL }, { name: ABNORMAL, sql: 'abnormal = true' }],
  });
});
afterAll(() => gateway?.stop());

/** Drains both test subscriptions, so that each test starts with nothing left over. */
async function drainBoth(expected: number, quietMs = 500) {
  const all = await drainResults(gateway.bus, ALL, { count: expected, quietMs });
  const abnormal = await drainResults(gateway.bus, ABNORMAL, { count: 0, quietMs: 200 });
  return { all, abnormal };
}

interface Accepted {
  id: string;
  status: string;
  controlId: string;
  duplicate?: boolean;
}

describe('a single message', () => {
  it('is accepted, reaches processed, and its result document is published once', async () => {
    const answer = await submit(gateway, oru({ controlId: 'SINGLE-0001', abnormal: true }));
    expect(answer.status).toBe(202);
    const accepted = answer.body as Accepted;
    expect(accepted).toMatchObject({ status: 'queued', controlId: 'SINGLE-0001' });

    const record = await waitForStatus(gateway, accepted.id, 'processed');
    expect(record.history.map((step) => step.status)).toEqual(['received', 'queued', 'processed']);

    const { all } = await drainBoth(1);
    expect(all).toHaveLength(1);
    const [result] = all;
    expect(result?.messageId).toBe(accepted.id);
    expect(result?.controlId).toBe('SINGLE-0001');
    expect(result?.properties).toMatchObject({
      messageType: 'ORU^R01',
      sendingFacility: 'NORTHLAB',
      resultStatus: 'F',
      abnormal: true,
    });
    expect(result?.document).toMatchObject({
      schemaVersion: 1,
      patient: { identifiers: [expect.objectContaining({ value: 'TST0000001' })] },
    });
  });
});

describe('an FHS/BHS batch of 100 messages for several patients', () => {
  it('gives 100 results, each patient’s in the order they were sent', async () => {
    const patients = ['TSTPAT0001', 'TSTPAT0002', 'TSTPAT0003', 'TSTPAT0004', 'TSTPAT0005'];
    // Interleaved: patient 1, 2, 3, 4, 5, 1, 2, ... so order only holds if sessions hold it.
    const members = Array.from({ length: 100 }, (_, index) => {
      const patient = patients[index % patients.length] as string;
      const sequence = String(Math.floor(index / patients.length)).padStart(3, '0');
      return oru({ controlId: `B-${patient}-${sequence}`, patientId: patient });
    });

    const answer = await call(gateway, 'POST', '/v1/batches', fhsBatch(members));
    expect(answer.status).toBe(202);
    const batch = answer.body as {
      batchId: string;
      accepted: { position: number; controlId: string; id: string }[];
      rejected: unknown[];
    };
    expect(batch.rejected).toEqual([]);
    expect(batch.accepted).toHaveLength(100);

    const { all } = await drainBoth(100);
    expect(all).toHaveLength(100);
    expect(new Set(all.map((result) => result.messageId))).toEqual(
      new Set(batch.accepted.map((member) => member.id)),
    );
    for (const patient of patients) {
      const controlIds = all
        .map((result) => result.controlId)
        .filter((controlId) => controlId.startsWith(`B-${patient}-`));
      expect(controlIds).toHaveLength(20);
      expect(controlIds).toEqual([...controlIds].sort());
    }

    const status = await eventually('batch fully processed', async () => {
      const read = await call(gateway, 'GET', `/v1/batches/${batch.batchId}`);
      const body = read.body as { counts: Record<string, number> };
      return body.counts.processed === 100 ? body : undefined;
    });
    expect(status.counts).toEqual({ processed: 100 });
  });
});

describe('bad input', () => {
  it('answers text that is not HL7 with 400 problem+json and enqueues nothing', async () => {
    const before = await deadLetters();
    const answer = await call(gateway, 'POST', '/v1/messages', 'this is not an HL7 message', {
      'content-type': 'text/plain',
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status: 400, code: 'NOT_HL7' });

    // A valid message sent after it is the only thing that comes out of the pipeline.
    const valid = (await submit(gateway, oru({ controlId: 'AFTER-NOT-HL7' }))).body as Accepted;
    await waitForStatus(gateway, valid.id, 'processed');
    const { all } = await drainBoth(1);
    expect(all.map((result) => result.controlId)).toEqual(['AFTER-NOT-HL7']);
    expect(await deadLetters()).toEqual(before);
  });

  it('dead-letters a message without PID-3 as validation; a corrected replay is processed', async () => {
    const broken = oru({ controlId: 'NO-PID3-0001', patientId: '' });
    const answer = await submit(gateway, broken);
    expect(answer.status).toBe(202);
    const { id } = answer.body as Accepted;

    const record = await waitForStatus(gateway, id, 'dead-lettered');
    expect(record.history.map((step) => step.status)).toContain('dead-lettered');
    const parked = await eventually('the dead letter is parked', async () =>
      (await deadLetters('validation')).find((item) => item.id === id),
    );
    expect(parked).toMatchObject({ category: 'validation', controlId: 'NO-PID3-0001' });
    // The description names codes and locations, never the message's content.
    expect(JSON.stringify(parked)).not.toContain('TESTPATIENT');

    const corrected = oru({ controlId: 'NO-PID3-0001', patientId: 'TSTPAT0099' });
    const replay = await call(gateway, 'POST', `/v1/deadletters/${id}/replay`, corrected);
    expect(replay.status).toBe(202);
    const replayed = replay.body as { id: string; replayOf: string; replayCount: number };
    expect(replayed).toMatchObject({ replayOf: id, replayCount: 1 });
    expect(replayed.id).not.toBe(id);

    await waitForStatus(gateway, replayed.id, 'processed');
    const { all } = await drainBoth(1);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ messageId: replayed.id, controlId: 'NO-PID3-0001' });
    expect(all[0]?.document).toMatchObject({
      patient: { identifiers: [expect.objectContaining({ value: 'TSTPAT0099' })] },
    });
    expect((await waitForStatus(gateway, id, 'replayed')).status).toBe('replayed');
  });
});

describe('duplicates', () => {
  it('gives one result for the same message sent twice (same sender and MSH-10)', async () => {
    const message = oru({ controlId: 'DUP-0001' });
    const first = (await submit(gateway, message)).body as Accepted;
    const second = await submit(gateway, message);
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ id: first.id, duplicate: true });

    await waitForStatus(gateway, first.id, 'processed');
    // Waits a second past the first result, so a second one would have had time to come.
    const { all } = await drainBoth(1, 1_000);
    expect(all.map((result) => result.messageId)).toEqual([first.id]);
  });
});

describe('a subscription with the SQL filter abnormal = true', () => {
  it('receives the abnormal results only, while an unfiltered one receives all', async () => {
    const flags = [true, false, false, true, false, true];
    const ids = new Map<string, boolean>();
    for (const [index, abnormal] of flags.entries()) {
      const controlId = `FILTER-${index}`;
      const answer = await submit(gateway, oru({ controlId, abnormal, patientId: `TSTF${index}` }));
      ids.set((answer.body as Accepted).id, abnormal);
    }
    for (const id of ids.keys()) await waitForStatus(gateway, id, 'processed');

    const all = await drainResults(gateway.bus, ALL, { count: 6, quietMs: 500 });
    const abnormal = await drainResults(gateway.bus, ABNORMAL, { count: 3, quietMs: 500 });
    expect(new Set(all.map((result) => result.messageId))).toEqual(new Set(ids.keys()));
    const expected = [...ids].filter(([, flag]) => flag).map(([id]) => id);
    expect(abnormal.map((result) => result.messageId).sort()).toEqual(expected.sort());
    expect(abnormal.every((result: DeliveredResult) => result.properties.abnormal === true)).toBe(
      true,
    );
  });
});

interface ParkedItem {
  id: string;
  category: string;
  controlId: string;
}

async function deadLetters(category?: string): Promise<ParkedItem[]> {
  const query = category === undefined ? '' : `?category=${category}`;
  const answer = await call(gateway, 'GET', `/v1/deadletters${query}`);
  expect(answer.status).toBe(200);
  return (answer.body as { items: ParkedItem[] }).items;
}
