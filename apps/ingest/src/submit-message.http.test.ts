/**
 * `POST /api/v1/messages` and `GET /api/v1/messages/{id}` through the local host's real
 * HTTP path, with a real Azurite and the real broker (see `test-support/ingest-host.ts`).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { inboundMessageId } from '@hl7gw/platform';

import { batchFile, oruR01 } from './test-support/messages.js';
import { TEST_API_KEY } from './test-support/platform.js';
import { ER7, startIngestHost, type IngestHost } from './test-support/ingest-host.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });

const CLAIM_CHECK_THRESHOLD_BYTES = 16 * 1024;
const MAX_MESSAGE_BYTES = 128 * 1024;

let ingest: IngestHost;
let post: IngestHost['post'];
let get: IngestHost['get'];
let drainSession: IngestHost['drainSession'];

beforeAll(async () => {
  ingest = await startIngestHost({
    HL7GW_CLAIM_CHECK_THRESHOLD_BYTES: String(CLAIM_CHECK_THRESHOLD_BYTES),
    HL7GW_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
  });
  ({ post, get, drainSession } = ingest);
});

afterAll(async () => {
  await ingest?.stop();
});

describe('POST /api/v1/messages', () => {
  it('answers 202 and puts the message on hl7-inbound with its ids and properties', async () => {
    const message = oruR01({ controlId: 'SINGLE-1', patientId: '9990000001' });
    const response = await post('/api/v1/messages', message, {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });

    expect(response.status).toBe(202);
    const answer = (await response.json()) as Record<string, string>;
    expect(answer).toEqual({
      id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      status: 'queued',
      statusUrl: `/api/v1/messages/${answer.id}`,
      controlId: 'SINGLE-1',
      messageType: 'ORU^R01',
    });
    expect(response.headers.get('location')).toBe(answer.statusUrl);

    const [received, ...more] = await drainSession('9990000001', 1);
    expect(more).toEqual([]);
    expect(received?.messageId).toBe(
      inboundMessageId({
        sendingApplication: 'LABSYS',
        sendingFacility: 'RIVERSIDE',
        controlId: 'SINGLE-1',
      }),
    );
    expect(received?.sessionId).toBe(ingest.sessionOf('9990000001'));
    expect(received?.properties).toEqual({
      messageType: 'ORU^R01',
      hl7Version: '2.5.1',
      sendingApplication: 'LABSYS',
      sendingFacility: 'RIVERSIDE',
      controlId: 'SINGLE-1',
      // The message carries the bus send's producer span: the caller's trace, a new span.
      traceparent: expect.stringMatching(
        /^00-0af7651916cd43dd8448eb211c80319c-(?!b7ad6b7169203331)[\da-f]{16}-01$/,
      ),
      replayCount: 0,
    });
    expect(received?.envelope).toMatchObject({
      v: 1,
      id: answer.id,
      source: { clientId: 'dev', channel: 'http' },
      raw: message,
    });
  });

  it('keeps a status record with its history, and archives the raw bytes', async () => {
    const message = oruR01({ controlId: 'STATUS-1', patientId: '9990000002' });
    const { id } = (await (await post('/api/v1/messages', message)).json()) as { id: string };

    const response = await get(`/api/v1/messages/${id}`);
    expect(response.status).toBe(200);
    const record = (await response.json()) as Record<string, unknown>;
    expect(record).toMatchObject({
      id,
      status: 'queued',
      controlId: 'STATUS-1',
      messageType: 'ORU^R01',
      sendingFacility: 'RIVERSIDE',
      clientId: 'dev',
      statusUrl: `/api/v1/messages/${id}`,
    });
    expect((record.history as { status: string }[]).map((step) => step.status)).toEqual([
      'received',
      'queued',
    ]);

    const archived = await ingest.platform.blobs.get(
      `raw/${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/${id}.hl7`,
    );
    expect(archived.toString('utf8')).toBe(message);
    await drainSession('9990000002', 1);
  });

  it.each([
    ['text/plain', (m: string) => m],
    ['application/json', (m: string) => JSON.stringify({ message: m })],
    ['application/json; charset=utf-8', (m: string) => JSON.stringify({ message: m })],
  ])('accepts the message as %s', async (contentType, encode) => {
    const patientId = `99900001${contentType.length}`;
    const message = oruR01({ controlId: `TYPE-${contentType}`, patientId });
    const response = await post('/api/v1/messages', encode(message), {
      'content-type': contentType,
    });

    expect(response.status).toBe(202);
    const [received] = await drainSession(patientId, 1);
    expect(received?.envelope.raw).toBe(message);
  });

  it('sends a large message by claim check, and the raw round-trips', async () => {
    const message = oruR01({
      controlId: 'LARGE-1',
      patientId: '9990000003',
      padCharacters: 100_000,
    });
    expect(Buffer.byteLength(message)).toBeGreaterThan(CLAIM_CHECK_THRESHOLD_BYTES);

    const response = await post('/api/v1/messages', message);
    expect(response.status).toBe(202);

    const [received] = await drainSession('9990000003', 1);
    expect(received?.envelope.raw).toBeUndefined();
    expect(received?.envelope.blobRef?.sizeBytes).toBe(Buffer.byteLength(message));
    expect(await ingest.platform.bus.readRaw(received!.envelope)).toBe(message);
  });

  it('answers a client accepting HL7 with a commit accept (CA) ACK', async () => {
    const message = oruR01({ controlId: 'ACK-1', patientId: '9990000004' });
    const response = await post('/api/v1/messages', message, { accept: ER7 });

    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toBe(`${ER7}; charset=utf-8`);
    expect(response.headers.get('location')).toMatch(/^\/api\/v1\/messages\/[0-9A-Z]{26}$/);
    const ack = (await response.text()).split('\r');
    expect(ack[0]).toMatch(
      /^MSH\|\^~\\&\|HL7GW\|TRUST\|LABSYS\|RIVERSIDE\|\d{14}\+0000\|\|ACK\^R01\^ACK\|/,
    );
    expect(ack[1]).toBe('MSA|CA|ACK-1');
    await drainSession('9990000004', 1);
  });

  it('answers a resubmission with the first id, and the bus holds the message once', async () => {
    const message = oruR01({ controlId: 'DUP-1', patientId: '9990000005' });
    const first = (await (await post('/api/v1/messages', message)).json()) as { id: string };
    const second = await post('/api/v1/messages', message);

    expect(second.status).toBe(202);
    expect(await second.json()).toMatchObject({ id: first.id, status: 'queued', duplicate: true });
    expect(await drainSession('9990000005', 1, 1_000)).toHaveLength(1);
  });

  describe('refuses', () => {
    it.each([
      ['text that is not HL7', 'hello, world', { 'content-type': 'text/plain' }, 400, 'NOT_HL7'],
      ['a batch sent as one message', batchFile([oruR01()]), {}, 400, 'NOT_HL7'],
      ['unusable encoding characters', 'MSH|^^|LAB|FAC\rPID|1', {}, 400, 'PARSE_ERROR'],
      ['a request without an API key', oruR01(), { 'x-api-key': '' }, 401, 'UNAUTHENTICATED'],
      ['an unknown API key', oruR01(), { 'x-api-key': 'not-a-key' }, 401, 'UNAUTHENTICATED'],
      [
        'an unsupported content type',
        oruR01(),
        { 'content-type': 'application/xml' },
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'a body over the limit',
        oruR01({ padCharacters: MAX_MESSAGE_BYTES }),
        {},
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        'JSON without a message',
        '{"msg":"x"}',
        { 'content-type': 'application/json' },
        400,
        'BAD_REQUEST',
      ],
      ['a header without MSH-10', oruR01({ controlId: '' }), {}, 422, 'VALIDATION_FAILED'],
    ])('%s with problem details', async (_name, body, headers, status, code) => {
      const response = await post('/api/v1/messages', body, {
        accept: 'application/problem+json',
        ...headers,
      });

      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const problem = (await response.json()) as Record<string, unknown>;
      expect(problem).toMatchObject({
        status,
        code,
        type: expect.stringMatching(/^urn:hl7gw:problem:/),
      });
      expect(JSON.stringify(problem)).not.toContain('DOE');
    });

    it('a message over the limit by its declared length, before reading it', async () => {
      const response = await fetch(`${ingest.host.baseUrl}/api/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': TEST_API_KEY, 'content-type': ER7 },
        body: Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x41),
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });

    it('non-HL7 from an HL7 client with a commit reject (CR) ACK', async () => {
      const response = await post('/api/v1/messages', 'hello, world');

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe(`${ER7}; charset=utf-8`);
      const ack = (await response.text()).split('\r');
      expect(ack[1]).toBe('MSA|CR');
      expect(ack[2]).toMatch(/^ERR\|\|\|100\^Segment sequence error\^HL70357\|E\|NOT_HL7\|/);
    });

    it('a header without MSH-10 from an HL7 client with a CE ACK naming MSH-10', async () => {
      const response = await post('/api/v1/messages', oruR01({ controlId: '' }), { accept: ER7 });

      expect(response.status).toBe(422);
      const ack = (await response.text()).split('\r');
      expect(ack[1]).toBe('MSA|CE');
      expect(ack[2]).toMatch(/^ERR\|\|MSH\^1\^10\^1\|101\^Required field missing/);
    });
  });
});

describe('GET /api/v1/messages/{id}', () => {
  it.each([['01ARZ3NDEKTSV4RRFFQ69G5FAV'], ['not-an-id']])(
    'answers 404 problem details for %s',
    async (id) => {
      const response = await get(`/api/v1/messages/${id}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    },
  );

  it('answers 401 without an API key', async () => {
    const response = await fetch(
      `${ingest.host.baseUrl}/api/v1/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV`,
    );
    expect(response.status).toBe(401);
  });
});
