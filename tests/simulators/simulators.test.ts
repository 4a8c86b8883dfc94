import { createHash, createHmac } from 'node:crypto';
import { connect } from 'node:net';

import { encodeMllp, parse } from '@hl7gw/hl7-core';
import { formatAuditEntry, genesisHash } from '@hl7gw/platform';
import { afterEach, describe, expect, it } from 'vitest';

import { checkAuditChain, startAuditSink } from './audit-sink.js';
import { startEhrSimulator } from './ehr-fhir.js';
import { startHieSimulator } from './hie-mllp.js';
import { corpusMessages, generatedOru, runLis, sendMllp, withControlId } from './lis-sender.js';
import { startWebhookReceiver } from './webhook-receiver.js';

// Each simulator on a real socket on 127.0.0.1, scripted through its API.

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

const CORPUS = new URL('../../../shared/corpus', import.meta.url);

const bundle = {
  resourceType: 'Bundle',
  type: 'transaction',
  entry: [
    {
      fullUrl: 'urn:uuid:1',
      resource: { resourceType: 'Patient' },
      request: { method: 'PUT', url: 'Patient?identifier=x|1' },
    },
  ],
};

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('EHR FHIR simulator', () => {
  it('stores transaction Bundles and refuses anything else with an OperationOutcome', async () => {
    const ehr = await startEhrSimulator();
    stops.push(ehr.stop);

    expect((await post(ehr.url, bundle, { 'idempotency-key': 'K1' })).status).toBe(200);
    const refusal = await post(ehr.url, { ...bundle, type: 'batch' });
    expect(refusal.status).toBe(400);
    expect(await refusal.json()).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'invalid' }],
    });
    expect(
      (await post(ehr.url, { ...bundle, entry: [{ resource: bundle.entry[0]?.resource }] })).status,
    ).toBe(400);
    expect((await post(ehr.url, 'not json')).status).toBe(400);

    expect(ehr.stored).toHaveLength(1);
    expect(ehr.acceptedByKey().get('K1')).toBe(1);
    expect(ehr.refused.map((r) => r.code)).toEqual(['invalid', 'required', 'structure']);
  });

  it('is scripted: outages, forced answers and failure rates, in process and over HTTP', async () => {
    const ehr = await startEhrSimulator({ random: () => 0.3 });
    stops.push(ehr.stop);

    ehr.behaviour.outage();
    expect((await post(ehr.url, bundle)).status).toBe(503);
    await post(`${ehr.origin}/_sim/restore`, {});
    expect((await post(ehr.url, bundle)).status).toBe(200);

    ehr.behaviour.force({ status: 422, body: { resourceType: 'OperationOutcome', issue: [] } });
    expect((await post(ehr.url, bundle)).status).toBe(422);

    await post(`${ehr.origin}/_sim/script`, { failureRate: 0.5 });
    expect((await post(ehr.url, bundle)).status).toBe(503);
    await post(`${ehr.origin}/_sim/script`, { failureRate: 0.2 });
    expect((await post(ehr.url, bundle)).status).toBe(200);

    const traffic = (await (await fetch(`${ehr.origin}/_sim/traffic`)).json()) as {
      stored: unknown[];
    };
    expect(traffic.stored).toHaveLength(2);
  });

  it('times an outage, and can reset connections instead of answering', async () => {
    const ehr = await startEhrSimulator({ outageMode: 'reset' });
    stops.push(ehr.stop);

    ehr.behaviour.outage(300);
    await expect(post(ehr.url, bundle)).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await post(ehr.url, bundle)).status).toBe(200);
  });
});

describe('webhook receiver', () => {
  const secret = 'r'.repeat(40);
  const sign = (body: string, atMs: number) => {
    const t = Math.floor(atMs / 1000);
    return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
  };

  it('accepts a fresh, correct signature and refuses stale, wrong and missing ones', async () => {
    const hook = await startWebhookReceiver({ secret });
    stops.push(hook.stop);
    const body = '{"schemaVersion":1}';

    const ok = await post(hook.url, body, {
      'x-hl7gw-signature': sign(body, Date.now()),
      'idempotency-key': 'G1',
    });
    expect(ok.status).toBe(204);
    const stale = await post(hook.url, body, {
      'x-hl7gw-signature': sign(body, Date.now() - 10 * 60_000),
    });
    expect(stale.status).toBe(401);
    const tampered = await post(hook.url, `${body} `, {
      'x-hl7gw-signature': sign(body, Date.now()),
    });
    expect(tampered.status).toBe(401);
    expect((await post(hook.url, body)).status).toBe(401);

    expect(hook.accepted).toEqual([
      { atMs: expect.any(Number), idempotencyKey: 'G1', body: { schemaVersion: 1 } },
    ]);
    expect(hook.refused.map((r) => r.reason)).toEqual(['stale', 'bad-signature', 'malformed']);
  });
});

describe('HIE MLLP simulator', () => {
  const message = withControlId(generatedOru(1), 'HIE-1');

  it('answers AA by default with MSA-2 echoing MSH-10, and records the message', async () => {
    const hie = await startHieSimulator();
    stops.push(hie.stop);

    expect(await sendMllp('127.0.0.1', hie.port, message, 2_000)).toBe('AA');
    expect(hie.received).toMatchObject([{ controlId: 'HIE-1', answer: { ack: 'AA' } }]);
    expect(hie.received[0]?.text).toBe(message);
  });

  it('answers the scripted code, drops under failure, closes when forced', async () => {
    const hie = await startHieSimulator();
    stops.push(hie.stop);

    hie.ackCode = 'AR';
    expect(await sendMllp('127.0.0.1', hie.port, message, 2_000)).toBe('AR');

    hie.behaviour.update({ failureRate: 1 });
    await expect(sendMllp('127.0.0.1', hie.port, message, 300)).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    hie.behaviour.reset();

    hie.behaviour.force({ close: true });
    const closed = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: hie.port }, () =>
        socket.write(encodeMllp(message)),
      );
      socket.on('data', () => resolve('data'));
      socket.on('close', () => resolve('closed'));
    });
    expect(closed).toBe('closed');
    expect(hie.received.map((m) => m.answer)).toEqual([
      { ack: 'AR' },
      { drop: true },
      { close: true },
    ]);
  });

  it('waits the scripted delay before the ACK', async () => {
    const hie = await startHieSimulator();
    stops.push(hie.stop);
    hie.behaviour.update({ delayMs: 200 });

    const started = Date.now();
    await sendMllp('127.0.0.1', hie.port, message, 2_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});

describe('LIS sender', () => {
  it('replays corpus ORU^R01 files over MLLP with fresh control ids', async () => {
    const hie = await startHieSimulator();
    stops.push(hie.stop);
    const corpus = await corpusMessages(CORPUS.pathname);
    expect(corpus.length).toBeGreaterThan(5);

    const report = await runLis({
      target: { kind: 'mllp', host: '127.0.0.1', port: hie.port },
      source: { kind: 'corpus', dir: CORPUS.pathname },
      ratePerMinute: 6_000,
      count: 4,
    });

    expect(report.sends.map((s) => s.ack)).toEqual(['AA', 'AA', 'AA', 'AA']);
    const ids = hie.received.map((m) => m.controlId);
    expect(new Set(ids).size).toBe(4);
    // The content is the corpus file's, only MSH-10 differs.
    const first = hie.received.find((m) => m.controlId.endsWith('-0'));
    expect(parse(first?.text ?? '').segments().length).toBe(
      parse(corpus[0] as string).segments().length,
    );
  });

  it('paces sends at the rate asked', async () => {
    const hie = await startHieSimulator();
    stops.push(hie.stop);

    const report = await runLis({
      target: { kind: 'mllp', host: '127.0.0.1', port: hie.port },
      source: { kind: 'generated' },
      ratePerMinute: 600,
      count: 5,
    });

    const due = report.sends.map((s) => s.dueMs - report.startedMs).sort((a, b) => a - b);
    expect(due).toEqual([0, 100, 200, 300, 400]);
    expect(report.endedMs - report.startedMs).toBeGreaterThanOrEqual(400);
  });

  it('generates valid ORU^R01 with synthetic data', () => {
    const message = parse(generatedOru(7));
    expect(message.messageType).toBe('ORU^R01');
    expect(message.controlId).toBe('SIM-7');
  });
});

describe('audit sink', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  function chain(blob: string, count: number): string[] {
    let prev = sha(`hl7gw-audit/v1 ${blob}`);
    return Array.from({ length: count }, (_, seq) => {
      const content = JSON.stringify({
        v: 1,
        seq,
        at: '2024-03-05T08:00:00.000Z',
        actor: 'ops',
        action: 'deadletter.replay',
        outcome: 'success',
        prev,
      });
      const hash = sha(content);
      prev = hash;
      return `${content.slice(0, -1)},"hash":"${hash}"}`;
    });
  }
  const blob = 'audit/2024/03/05/host-1.jsonl';

  it('accepts an intact chain and finds the first broken line otherwise', async () => {
    const sink = await startAuditSink();
    stops.push(sink.stop);
    const lines = chain(blob, 4);

    const ok = await post(sink.url, lines.join('\n'), { 'x-audit-blob': blob });
    expect(await ok.json()).toEqual({ ok: true, entries: 4 });

    const edited = [...lines];
    edited[2] = (edited[2] as string).replace('"ops"', '"eve"');
    const tampered = await post(sink.url, edited.join('\n'), { 'x-audit-blob': blob });
    expect(tampered.status).toBe(422);
    expect(await tampered.json()).toMatchObject({
      ok: false,
      brokenLine: 3,
      problem: 'hash-mismatch',
    });
  });

  it.each([
    ['a removed line', (l: string[]) => [l[0], l[2], l[3]], 2, 'chain-broken'],
    ['reordered lines', (l: string[]) => [l[0], l[2], l[1], l[3]], 2, 'chain-broken'],
    ['another blob name', (l: string[]) => l, 1, 'chain-broken'],
    ['junk', (l: string[]) => [l[0], 'nope'], 2, 'malformed'],
  ])('reports %s', (_, edit, line, problem) => {
    const lines = edit(chain(blob, 4)) as string[];
    const name = problem === 'chain-broken' && line === 1 ? 'audit/2024/03/06/host-1.jsonl' : blob;
    expect(checkAuditChain(lines, name)).toMatchObject({ ok: false, brokenLine: line, problem });
  });

  it('reads the lines the audit log of the gateway writes', () => {
    let prev = genesisHash(blob);
    const lines = ['deadletter.replay', 'deadletter.purge', 'message.raw.read'].map(
      (action, seq) => {
        const { line, hash } = formatAuditEntry(
          { actor: 'ops', action, resource: '01HQ', outcome: 'success' },
          seq,
          new Date('2024-03-05T08:00:00Z'),
          prev,
        );
        prev = hash;
        return line;
      },
    );

    expect(checkAuditChain(lines, blob)).toEqual({ ok: true, entries: 3 });
    expect(checkAuditChain([lines[0], lines[2]] as string[], blob)).toMatchObject({
      brokenLine: 2,
      problem: 'chain-broken',
    });
  });
});
