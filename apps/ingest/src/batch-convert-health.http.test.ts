/**
 * `POST /api/v1/batches`, `GET /api/v1/batches/{id}`, `POST /api/v1/convert` and the health
 * routes through the local host's real HTTP path, with a real Azurite and the real broker.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { batchFile, oruR01 } from './test-support/messages.js';
import { ER7, startIngestHost, type IngestHost } from './test-support/ingest-host.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });

let ingest: IngestHost;
let post: IngestHost['post'];
let get: IngestHost['get'];
let drainSession: IngestHost['drainSession'];

beforeAll(async () => {
  ingest = await startIngestHost();
  ({ post, get, drainSession } = ingest);
});

afterAll(async () => {
  await ingest?.stop();
});

describe('POST /api/v1/batches', () => {
  /** Ten members for one patient; member 4 has unusable encoding characters. */
  function tenMembers(prefix: string, patientId: string): string[] {
    return Array.from({ length: 10 }, (_, i) =>
      i === 3
        ? `MSH|^^|LABSYS|RIVERSIDE|||||ORU^R01|${prefix}-4|P|2.5.1\rPID|1||${patientId}`
        : oruR01({ controlId: `${prefix}-${i + 1}`, patientId }),
    );
  }

  it('enqueues each member on its own, in order, and answers each by position', async () => {
    const response = await post('/api/v1/batches', batchFile(tenMembers('B1', '9990000010')));

    expect(response.status).toBe(202);
    const answer = (await response.json()) as {
      batchId: string;
      statusUrl: string;
      accepted: { position: number; controlId: string; id: string }[];
      rejected: { position: number; controlId: string; code: string; detail: string }[];
    };
    expect(answer.accepted.map((member) => member.position)).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10]);
    expect(answer.rejected).toEqual([
      {
        position: 4,
        controlId: 'B1-4',
        code: 'PARSE_ERROR',
        detail: expect.any(String),
        location: 'MSH-2',
      },
    ]);

    const received = await drainSession('9990000010', 9);
    expect(received.map((message) => message.properties.controlId)).toEqual(
      answer.accepted.map((member) => member.controlId),
    );
    expect(received.map((message) => message.envelope.batchId)).toEqual(
      answer.accepted.map(() => answer.batchId),
    );

    const status = await get(answer.statusUrl);
    expect(status.status).toBe(200);
    const batch = (await status.json()) as { members: { id: string; status: string }[] };
    expect(batch).toMatchObject({ batchId: answer.batchId, memberCount: 9, counts: { queued: 9 } });
    expect(batch.members.map((member) => member.id)).toEqual(answer.accepted.map((m) => m.id));

    const archived = await ingest.platform.blobs.get(
      `raw/${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/${answer.batchId}.hl7`,
    );
    expect(archived.toString('utf8')).toBe(batchFile(tenMembers('B1', '9990000010')));
  });

  it('rejects an atomic batch with a rejected member as a whole, enqueuing nothing', async () => {
    const response = await post(
      '/api/v1/batches?atomic=true',
      batchFile(tenMembers('B2', '9990000011')),
    );

    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({
      code: 'BATCH_REJECTED',
      rejected: [{ position: 4, controlId: 'B2-4', code: 'PARSE_ERROR' }],
    });
    expect(await drainSession('9990000011', 0, 1_000)).toEqual([]);
  });

  it('rejects a member repeating another member of the same batch', async () => {
    const member = oruR01({ controlId: 'B3-1', patientId: '9990000012' });
    const response = await post('/api/v1/batches', batchFile([member, member]));

    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({
      accepted: [{ position: 1, controlId: 'B3-1' }],
      rejected: [{ position: 2, controlId: 'B3-1', code: 'DUPLICATE_MESSAGE' }],
    });
    expect(await drainSession('9990000012', 1, 1_000)).toHaveLength(1);
  });

  it('refuses a broken batch structure with 400 BATCH_INVALID', async () => {
    const broken = batchFile([oruR01()]).replace('BTS|1', 'BTS|7');
    const response = await post('/api/v1/batches', broken);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'BATCH_INVALID', location: 'BTS-1' });
  });

  it('answers 404 for an unknown batch', async () => {
    const response = await get('/api/v1/batches/01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('POST /api/v1/convert', () => {
  it('converts HL7 to the result document, and that back to HL7', async () => {
    const response = await post('/api/v1/convert', oruR01({ controlId: 'CONV-1' }));
    expect(response.status).toBe(200);
    const { issues, result } = (await response.json()) as { issues: unknown[]; result: unknown };
    expect(issues).toEqual([]);
    expect(result).toMatchObject({ schemaVersion: 1, source: { controlId: 'CONV-1' } });

    const back = await post('/api/v1/convert?to=hl7', JSON.stringify(result), {
      'content-type': 'application/json',
    });
    expect(back.status).toBe(200);
    const hl7 = (await back.json()) as { result: string };
    expect(hl7.result).toMatch(/^MSH\|\^~\\&\|LABSYS\|RIVERSIDE\|/);
    expect(hl7.result).toContain('OBX|1|NM|2093-3^Cholesterol^LN||5.2|');
  });

  it('converts HL7 to a FHIR transaction Bundle', async () => {
    const response = await post('/api/v1/convert?to=fhir&profile=lenient', oruR01(), {
      'content-type': 'text/plain',
    });
    expect(response.status).toBe(200);
    const { result } = (await response.json()) as {
      result: { resourceType: string; type: string };
    };
    expect(result).toMatchObject({ resourceType: 'Bundle', type: 'transaction' });
  });

  it('answers 422 with the issues when validation finds errors', async () => {
    const noObx3 = oruR01().replace('OBX|1|NM|2093-3^Cholesterol^LN|', 'OBX|1|NM||');
    const response = await post('/api/v1/convert?profile=lenient', noObx3);

    expect(response.status).toBe(422);
    const problem = (await response.json()) as { code: string; issues: { location: string }[] };
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.issues.map((issue) => issue.location)).toContain('OBX-3');
  });

  it('refuses a field longer than HL7GW_MAX_FIELD_LENGTH with 413, naming where it is', async () => {
    const long = oruR01().replace(
      '2093-3^Cholesterol^LN||',
      `2093-3^Cholesterol^LN||${'1'.repeat(70_000)}`,
    );
    const response = await post('/api/v1/convert', long);

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      location: 'OBX[1]-5',
    });
  });

  it.each([
    ['an unknown target', '?to=xml', oruR01(), ER7, 400, 'BAD_REQUEST'],
    ['an unknown profile', '?profile=loose', oruR01(), ER7, 400, 'BAD_REQUEST'],
    ['text that is not HL7', '', 'not hl7', 'text/plain', 400, 'NOT_HL7'],
    ['HL7 sent to ?to=hl7', '?to=hl7', oruR01(), ER7, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'a result document without parts',
      '?to=hl7',
      '{"schemaVersion":1}',
      'application/json',
      422,
      'VALIDATION_FAILED',
    ],
  ])('refuses %s', async (_name, query, body, contentType, status, code) => {
    const response = await post(`/api/v1/convert${query}`, body, { 'content-type': contentType });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ code });
  });
});

describe('health', () => {
  it('answers alive without an API key', async () => {
    const response = await fetch(`${ingest.host.baseUrl}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers ready when storage and the bus answer, with their latency', async () => {
    const response = await fetch(`${ingest.host.baseUrl}/api/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      dependencies: {
        storage: { status: 'up', latencyMs: expect.any(Number) },
        bus: { status: 'up', latencyMs: expect.any(Number) },
      },
    });
  });
});
