import { inboundMessageId, newGatewayId, type ParkedRecord } from '@hl7gw/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  deadLetterInbound,
  inbound,
  oru,
  receiveFromSession,
  resultFor,
  submit,
} from '../src/test-support/messages.js';
import { startLocalGateway, TEST_API_KEY, type LocalGateway } from './local-gateway.js';

let gateway: LocalGateway;
const startedAt = new Date();

beforeAll(async () => {
  gateway = await startLocalGateway();
}, 40_000);

afterAll(async () => {
  await gateway?.stop();
});

async function call(
  method: string,
  path: string,
  options: { body?: string; contentType?: string; apiKey?: string | null } = {},
): Promise<{ status: number; type: string; json: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  const apiKey = options.apiKey === undefined ? TEST_API_KEY : options.apiKey;
  if (apiKey !== null) headers['x-api-key'] = apiKey;
  if (options.contentType) headers['content-type'] = options.contentType;
  const response = await fetch(`${gateway.api}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

function parkedSoon(id: string): Promise<ParkedRecord> {
  return expect
    .poll(() => gateway.deps.parked.get(id), { timeout: 10_000, interval: 50 })
    .toBeDefined()
    .then(async () => (await gateway.deps.parked.get(id)) as ParkedRecord);
}

describe('an inbound message dead-lettered by the processor', () => {
  const facility = 'CARDIFF LAB';
  const invalid = inbound(oru('DL-0001', facility, ''), facility, 'DL-0001');
  const id = invalid.envelope.id;
  let replayId = '';

  it('is parked as validation, with its raw bytes, and its status is dead-lettered', async () => {
    await deadLetterInbound(gateway.deps, invalid, 'VALIDATION_FAILED', 'PID-3 is required');

    const record = await parkedSoon(id);
    expect(record).toMatchObject({
      id,
      category: 'validation',
      reason: 'VALIDATION_FAILED',
      description: 'PID-3 is required',
      sourceEntity: 'hl7-inbound',
      messageType: 'ORU^R01',
      sendingApplication: 'WINPATH',
      sendingFacility: facility,
      controlId: 'DL-0001',
      deliveryCount: 1,
      replayCount: 0,
      state: 'parked',
    });
    expect((await gateway.deps.blobs.getParked(id)).toString('utf8')).toBe(invalid.envelope.raw);
    await expect
      .poll(async () => (await gateway.deps.statuses.get(id))?.status)
      .toBe('dead-lettered');
  });

  it('is refused to a caller without the API key', async () => {
    const answer = await call('GET', '/v1/deadletters', { apiKey: null });
    expect(answer.status).toBe(401);
    expect(answer.type).toContain('application/problem+json');
    expect(answer.json.code).toBe('UNAUTHENTICATED');
  });

  it('is listed by its filters, without content', async () => {
    const listed = await call(
      'GET',
      `/v1/deadletters?category=validation&sendingFacility=${encodeURIComponent(facility)}&messageType=ORU%5ER01`,
    );
    expect(listed.status).toBe(200);
    const items = listed.json.items as ParkedRecord[];
    expect(items.map((item) => item.id)).toEqual([id]);
    expect(JSON.stringify(listed.json)).not.toContain('Prawf');

    const later = new Date(Date.now() + 3_600_000).toISOString();
    const none = await call('GET', `/v1/deadletters?from=${encodeURIComponent(later)}`);
    expect(none.json.items).toEqual([]);
    const other = await call('GET', '/v1/deadletters?category=parse');
    expect((other.json.items as ParkedRecord[]).map((item) => item.id)).not.toContain(id);
    expect((await call('GET', '/v1/deadletters?category=nonsense')).status).toBe(400);
  });

  it('is read alone, and with its raw content on request', async () => {
    const plain = await call('GET', `/v1/deadletters/${id}`);
    expect(plain.status).toBe(200);
    expect(plain.json).toMatchObject({ id, category: 'validation' });
    expect(plain.json.raw).toBeUndefined();

    const withRaw = await call('GET', `/v1/deadletters/${id}?include=raw`);
    expect(withRaw.json.raw).toBe(invalid.envelope.raw);
  });

  it('is replayed with a corrected message as a new message with lineage', async () => {
    const corrected = oru('DL-0001', facility);
    const answer = await call('POST', `/v1/deadletters/${id}/replay`, {
      body: corrected,
      contentType: 'x-application/hl7-v2+er7',
    });
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ replayOf: id, replayCount: 1, status: 'queued' });
    replayId = answer.json.id as string;
    expect(answer.json.statusUrl).toBe(`/api/v1/messages/${replayId}`);

    const session = inbound(corrected, facility, 'DL-0001').sessionId;
    const { message, settle } = await receiveFromSession(gateway.deps, session);
    expect(message.applicationProperties).toMatchObject({ replayOf: id, replayCount: 1 });
    expect(message.messageId).toBe(
      inboundMessageId({
        sendingApplication: 'WINPATH',
        sendingFacility: facility,
        controlId: 'DL-0001',
        replayCount: 1,
      }),
    );
    expect(message.body).toMatchObject({
      id: replayId,
      raw: corrected,
      source: { channel: 'replay' },
    });
    await settle.deadLetter('VALIDATION_FAILED', 'OBX-5 is required');

    const replayStatus = await gateway.deps.statuses.get(replayId);
    expect(replayStatus?.history[0]?.detail).toBe(`replay 1 of ${id}`);
    expect((await gateway.deps.statuses.get(id))?.status).toBe('replayed');
    expect(await gateway.deps.parked.get(id)).toMatchObject({
      state: 'replayed',
      replayedAs: replayId,
    });

    const again = await call('POST', `/v1/deadletters/${id}/replay`);
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('DUPLICATE_MESSAGE');
  });

  it('refuses a replay once the message has been replayed the most allowed times', async () => {
    const corrected = oru('DL-0001', facility);
    const session = inbound(corrected, facility, 'DL-0001').sessionId;
    let current = replayId;

    for (let count = 2; count <= 3; count++) {
      expect(await parkedSoon(current)).toMatchObject({ replayCount: count - 1 });
      const answer = await call('POST', `/v1/deadletters/${current}/replay`);
      expect(answer.status).toBe(202);
      expect(answer.json.replayCount).toBe(count);
      const { message, settle } = await receiveFromSession(gateway.deps, session);
      expect(message.applicationProperties).toMatchObject({
        replayOf: current,
        replayCount: count,
      });
      await settle.deadLetter('VALIDATION_FAILED', 'OBX-5 is required');
      current = answer.json.id as string;
    }

    expect(await parkedSoon(current)).toMatchObject({ replayCount: 3 });
    const refused = await call('POST', `/v1/deadletters/${current}/replay`);
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('REPLAY_LIMIT_REACHED');
    replayId = current;
  });

  it('is purged, record and raw, and is then not found', async () => {
    expect((await call('DELETE', `/v1/deadletters/${replayId}`)).status).toBe(204);
    expect((await call('GET', `/v1/deadletters/${replayId}`)).status).toBe(404);
    await expect(gateway.deps.blobs.getParked(replayId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await call('DELETE', `/v1/deadletters/${replayId}`)).status).toBe(404);
  });
});

describe('paging', () => {
  it('pages a filtered listing by limit and next', async () => {
    const facility = 'PAGING LAB';
    const ids: string[] = [];
    for (let n = 1; n <= 3; n++) {
      const message = inbound(oru(`PG-${n}`, facility, `99900000${n}0`), facility, `PG-${n}`);
      await deadLetterInbound(gateway.deps, message, 'PARSE_ERROR', 'MSH-9 cannot be read');
      ids.push(message.envelope.id);
    }
    await parkedSoon(ids[2] as string);
    const filter = `sendingFacility=${encodeURIComponent(facility)}`;

    const first = await call('GET', `/v1/deadletters?${filter}&limit=2`);
    expect((first.json.items as ParkedRecord[]).map((item) => item.id)).toEqual(ids.slice(0, 2));
    expect(first.json.next).toEqual(expect.any(String));
    const next = encodeURIComponent(first.json.next as string);
    const second = await call('GET', `/v1/deadletters?${filter}&limit=2&next=${next}`);
    expect((second.json.items as ParkedRecord[]).map((item) => item.id)).toEqual(ids.slice(2));
    expect(second.json.next).toBeUndefined();
    expect((first.json.items as ParkedRecord[])[0]?.category).toBe('parse');
  });
});

describe('a message the processor keeps failing', () => {
  it('is parked as max-delivery once the bus gives up on it', async () => {
    const facility = 'RETRY LAB';
    const message = inbound(oru('MD-0001', facility, '9990000026'), facility, 'MD-0001');
    await submit(gateway.deps, message);

    // MaxDeliveryCount is 5 on hl7-inbound.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const receiver = await gateway.deps.bus.acceptSession(message.sessionId);
      const [received] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
      expect(received).toBeDefined();
      await receiver.abandonMessage(received!);
      await receiver.close();
    }

    const record = await parkedSoon(message.envelope.id);
    expect(record).toMatchObject({
      category: 'max-delivery',
      reason: 'MaxDeliveryCountExceeded',
      deliveryCount: 5,
    });
    expect(record.description).toMatch(/delivery attempts/);
  });
});

describe('a result dead-lettered on a subscription', () => {
  const facility = 'RESULTS LAB';

  async function deadLetterResult(reason: string, description: string) {
    const result = resultFor(oru(`RS-${reason.slice(0, 8)}`, facility, '9990000034'), facility);
    await gateway.deps.bus.publishResult(result);
    const receiver = gateway.deps.bus.receiver('hl7-results', 'integrators');
    try {
      for (;;) {
        const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
        if (message === undefined) throw new Error('the result did not reach integrators');
        if (message.messageId !== result.gatewayId) {
          await receiver.completeMessage(message);
          continue;
        }
        await receiver.deadLetterMessage(message, {
          deadLetterReason: reason,
          deadLetterErrorDescription: description,
        });
        return result;
      }
    } finally {
      await receiver.close();
    }
  }

  it('is parked as delivery for DELIVERY_REJECTED, and as unknown for a free-text reason', async () => {
    const rejected = await deadLetterResult('DELIVERY_REJECTED', 'the EHR answered 400');
    const record = await parkedSoon(`${rejected.gatewayId}-integrators`);
    expect(record).toMatchObject({
      category: 'delivery',
      reason: 'DELIVERY_REJECTED',
      sourceEntity: 'hl7-results/subscriptions/integrators',
      messageType: 'ORU^R01',
      sendingFacility: facility,
      sendingApplication: 'WINPATH',
    });
    const stored = JSON.parse((await gateway.deps.blobs.getParked(record.id)).toString('utf8'));
    expect(stored.document).toEqual(JSON.parse(JSON.stringify(rejected.document)));
    expect(stored.properties).toEqual(rejected.properties);

    const odd = await deadLetterResult('The subscriber gave up on 12/03/1987', 'free text');
    expect(await parkedSoon(`${odd.gatewayId}-integrators`)).toMatchObject({
      category: 'unknown',
      reason: 'UNRECOGNISED',
    });
    expect(
      (await gateway.deps.parked.get(`${odd.gatewayId}-integrators`))?.description,
    ).toBeUndefined();
  });

  it('is replayed by publishing the result to the topic again', async () => {
    const result = await deadLetterResult('DELIVERY_REJECTED', 'the EHR answered 400');
    const parkedId = `${result.gatewayId}-integrators`;
    await parkedSoon(parkedId);

    const answer = await call('POST', `/v1/deadletters/${parkedId}/replay`);
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({
      replayOf: parkedId,
      target: 'results',
      status: 'processed',
    });

    const receiver = gateway.deps.bus.receiver('hl7-results', 'integrators');
    try {
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
      expect(message?.messageId).toBe(answer.json.id);
      expect(message?.body).toEqual(JSON.parse(JSON.stringify(result.document)));
      // Addressed to the subscription it was dead-lettered on, and to no other.
      expect(message?.applicationProperties).toMatchObject({
        sendingFacility: facility,
        abnormal: false,
        deliveryRetryFor: 'integrators',
      });
      await receiver.completeMessage(message!);
    } finally {
      await receiver.close();
    }
  });
});

describe('bulk replay', () => {
  it('answers what would be replayed on a dry run, then replays it', async () => {
    const facility = 'BULK LAB';
    const messages = [1, 2].map((n) =>
      inbound(oru(`BK-${n}`, facility, `99900001${n}0`), facility, `BK-${n}`),
    );
    for (const message of messages)
      await deadLetterInbound(
        gateway.deps,
        message,
        'UNSUPPORTED_MESSAGE_TYPE',
        'MSH-9 is not supported',
      );
    for (const message of messages) await parkedSoon(message.envelope.id);
    const body = JSON.stringify({
      filter: { sendingFacility: facility, category: 'unsupported' },
      dryRun: true,
    });

    const dry = await call('POST', '/v1/deadletters/replay', {
      body,
      contentType: 'application/json',
    });
    expect(dry.status).toBe(200);
    expect(dry.json).toMatchObject({ dryRun: true, selected: 2, wouldReplay: 2, more: false });
    expect((dry.json.items as { id: string }[]).map((item) => item.id)).toEqual(
      messages.map((m) => m.envelope.id),
    );
    expect(await gateway.deps.parked.get(messages[0]!.envelope.id)).toMatchObject({
      state: 'parked',
    });

    const real = await call('POST', '/v1/deadletters/replay', {
      body: JSON.stringify({ filter: { sendingFacility: facility }, dryRun: false }),
      contentType: 'application/json',
    });
    expect(real.json).toMatchObject({ dryRun: false, selected: 2, replayed: 2 });
    for (const message of messages) {
      const { message: replayed, settle } = await receiveFromSession(
        gateway.deps,
        message.sessionId,
      );
      expect(replayed.applicationProperties).toMatchObject({
        replayOf: message.envelope.id,
        replayCount: 1,
      });
      await settle.complete();
    }

    const afterwards = await call('POST', '/v1/deadletters/replay', {
      body,
      contentType: 'application/json',
    });
    expect(afterwards.json).toMatchObject({ selected: 0 });
  });
});

describe('the summary report', () => {
  it('counts outcomes per hour by sender, and dead letters by category', async () => {
    const facility = 'REPORT LAB';
    const make = (n: number) =>
      inbound(oru(`RP-${n}`, facility, `99900002${n}0`), facility, `RP-${n}`);
    const [processed, rejected, deadLettered] = [make(1), make(2), make(3)];
    await submit(gateway.deps, processed);
    await gateway.deps.statuses.transition(processed.envelope.id, 'processed');
    await submit(gateway.deps, rejected);
    await gateway.deps.statuses.transition(rejected.envelope.id, 'rejected', 'VALIDATION_FAILED');
    await deadLetterInbound(gateway.deps, deadLettered, 'VALIDATION_FAILED', 'PID-3 is required');
    await parkedSoon(deadLettered.envelope.id);
    await expect
      .poll(async () => (await gateway.deps.statuses.get(deadLettered.envelope.id))?.status)
      .toBe('dead-lettered');

    const from = new Date(startedAt.getTime() - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const report = await call('GET', `/v1/reports/summary?from=${from}&to=${to}`);
    expect(report.status).toBe(200);

    const totals = report.json.totals as Record<string, unknown>;
    expect((totals.bySender as Record<string, unknown>)[facility]).toEqual({
      received: 3,
      processed: 1,
      rejected: 1,
      deadLettered: 1,
    });
    expect(totals.averageProcessingMs).toEqual(expect.any(Number));
    const categories = totals.deadLettersByCategory as Record<string, number>;
    expect(categories['max-delivery']).toBe(1);
    expect(categories.unsupported).toBe(2);
    expect(categories.validation).toBeGreaterThanOrEqual(2);
    expect(report.json.hours).toEqual(
      expect.arrayContaining([expect.objectContaining({ hour: expect.any(String) })]),
    );
    expect(report.json.truncated).toBe(false);

    expect((await call('GET', `/v1/reports/summary?from=${to}&to=${from}`)).status).toBe(400);
    expect((await call('GET', '/v1/reports/summary?from=yesterday')).status).toBe(400);
  });
});

it('refuses an id that cannot name a dead letter', async () => {
  expect((await call('GET', `/v1/deadletters/${newGatewayId()}`)).status).toBe(404);
  expect((await call('GET', '/v1/deadletters/..%2F..%2Fraw')).status).toBe(404);
});
