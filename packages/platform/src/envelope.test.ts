import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import type { ResultDocument } from '@hl7gw/hl7-core';
import { describe, expect, it } from 'vitest';

import {
  decodeInbound,
  encodeInbound,
  inboundHeaderProperties,
  type InboundEnvelope,
  type InboundMessage,
} from './envelope.js';
import { isPlatformError } from './errors.js';
import { inboundMessageId } from './hash.js';
import { decodeResult, encodeResult, type ResultMessage } from './result-message.js';

const GATEWAY_ID = '01HRZ8J3K5W6X7Y8Z9A0B1C2D3';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const RAW = 'MSH|^~\\&|LAB|RIVERSIDE|GW|TRUST|20240315101500||ORU^R01|C0001|P|2.5.1\rPID|1';

const MESSAGE: InboundMessage = {
  envelope: {
    v: 1,
    id: GATEWAY_ID,
    receivedAt: '2024-03-15T10:15:00.000Z',
    source: { clientId: 'riverside-lab', channel: 'http' },
    raw: RAW,
  },
  properties: {
    messageType: 'ORU^R01',
    hl7Version: '2.5.1',
    sendingApplication: 'LAB',
    sendingFacility: 'RIVERSIDE',
    controlId: 'C0001',
    traceparent: TRACEPARENT,
    replayCount: 0,
  },
  sessionId: 'a'.repeat(64),
};

/** What the SDK hands a receiver for a message sent as `sent`. */
function received(
  sent: ReturnType<typeof encodeInbound>,
  overrides: Partial<ServiceBusReceivedMessage> = {},
): ServiceBusReceivedMessage {
  return { ...sent, deliveryCount: 1, ...overrides } as ServiceBusReceivedMessage;
}

function envelopeError(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (isPlatformError(error) && error.code === 'ENVELOPE_INVALID') return error.message;
    throw error;
  }
  throw new Error('accepted an invalid envelope');
}

describe('inbound envelope', () => {
  it('encodes the body, ids and application properties of the contract', () => {
    const sent = encodeInbound(MESSAGE);

    expect(sent).toEqual({
      body: MESSAGE.envelope,
      contentType: 'application/json',
      messageId: inboundMessageId(MESSAGE.properties),
      sessionId: MESSAGE.sessionId,
      correlationId: GATEWAY_ID,
      subject: 'ORU^R01',
      applicationProperties: {
        messageType: 'ORU^R01',
        hl7Version: '2.5.1',
        sendingApplication: 'LAB',
        sendingFacility: 'RIVERSIDE',
        controlId: 'C0001',
        traceparent: TRACEPARENT,
        replayCount: 0,
      },
    });
  });

  it('round-trips through decode, including a replay and a claim check', () => {
    const replay: InboundMessage = {
      ...MESSAGE,
      envelope: {
        ...MESSAGE.envelope,
        raw: undefined,
        blobRef: { container: 'hl7gw-messages', name: `claims/${GATEWAY_ID}.hl7`, sizeBytes: 9 },
        batchId: '01HRZ8J3K5W6X7Y8Z9A0B1C2D4',
      },
      properties: { ...MESSAGE.properties, replayOf: '01HRZ8J3K5W6X7Y8Z9A0B1C2D5', replayCount: 2 },
    };
    delete replay.envelope.raw;
    const sent = encodeInbound(replay);

    const decoded = decodeInbound(received(sent, { deliveryCount: 3 }));

    expect(decoded).toEqual({ ...replay, messageId: sent.messageId, deliveryCount: 3 });
    expect(sent.messageId).not.toBe(encodeInbound(MESSAGE).messageId);
  });

  it('decodes a body sent as JSON bytes by another client', () => {
    const sent = encodeInbound(MESSAGE);

    const decoded = decodeInbound(
      received({ ...sent, body: Buffer.from(JSON.stringify(sent.body)) }),
    );

    expect(decoded.envelope).toEqual(MESSAGE.envelope);
  });

  const bodies: [string, (envelope: InboundEnvelope) => unknown][] = [
    ['v must be 1', (e) => ({ ...e, v: 2 })],
    ['id must be a gateway id', (e) => ({ ...e, id: 'abc' })],
    ['receivedAt must be an ISO 8601 time', (e) => ({ ...e, receivedAt: 'yesterday' })],
    ['source.clientId', (e) => ({ ...e, source: { channel: 'http' } })],
    ['source.channel', (e) => ({ ...e, source: { clientId: 'c', channel: 'fax' } })],
    ['batchId', (e) => ({ ...e, batchId: 'b' })],
    ['exactly one of raw and blobRef', (e) => ({ ...e, raw: undefined })],
    [
      'exactly one of raw and blobRef',
      (e) => ({ ...e, blobRef: { container: 'c', name: 'n', sizeBytes: 1 } }),
    ],
    [
      'blobRef must have',
      (e) => ({ ...e, raw: undefined, blobRef: { container: 'c', sizeBytes: 1 } }),
    ],
    ['body must be a JSON object', () => [1, 2]],
  ];

  it.each(bodies)('rejects a body where %s', (problem, change) => {
    const sent = encodeInbound(MESSAGE);
    const body = JSON.parse(JSON.stringify(change(MESSAGE.envelope) ?? null)) as unknown;

    expect(envelopeError(() => decodeInbound(received({ ...sent, body })))).toContain(problem);
  });

  it('rejects a body that is not JSON', () => {
    const sent = encodeInbound(MESSAGE);

    expect(envelopeError(() => decodeInbound(received({ ...sent, body: 'MSH|^~' })))).toContain(
      'not JSON',
    );
  });

  it.each([
    ['messageType', { messageType: undefined }],
    ['controlId', { controlId: '' }],
    ['traceparent', { traceparent: 'abc' }],
    ['sendingFacility', { sendingFacility: 7 }],
    ['replayCount', { replayCount: -1 }],
    ['replayOf', { replayOf: 'x' }],
  ])('rejects application properties where %s is wrong', (name, change) => {
    const sent = encodeInbound(MESSAGE);
    const applicationProperties = { ...sent.applicationProperties, ...change };

    const message = envelopeError(() =>
      decodeInbound({ ...sent, applicationProperties } as unknown as ServiceBusReceivedMessage),
    );

    expect(message).toContain(name);
  });

  it('refuses to encode what it would refuse to decode', () => {
    expect(envelopeError(() => encodeInbound({ ...MESSAGE, sessionId: '' }))).toContain(
      'sessionId',
    );
    const noTrace = { ...MESSAGE, properties: { ...MESSAGE.properties, traceparent: '' } };
    expect(envelopeError(() => encodeInbound(noTrace))).toContain('traceparent');
  });

  it('names the field at fault, never the content', () => {
    const sent = encodeInbound(MESSAGE);
    const body = { ...MESSAGE.envelope, raw: undefined, blobRef: RAW };

    expect(envelopeError(() => decodeInbound(received({ ...sent, body })))).not.toContain('PID');
  });
});

describe('result message', () => {
  const document = {
    schemaVersion: 1,
    source: { controlId: 'C0001' },
    patient: {},
    orders: [],
  } as unknown as ResultDocument;
  const RESULT: ResultMessage = {
    gatewayId: GATEWAY_ID,
    document,
    properties: {
      messageType: 'ORU^R01',
      sendingFacility: 'RIVERSIDE',
      receivingFacility: 'TRUST',
      resultStatus: 'F',
      abnormal: true,
      priority: 'S',
    },
    traceparent: TRACEPARENT,
  };

  it('encodes the filter properties and dedupes on the gateway id', () => {
    const sent = encodeResult(RESULT);

    expect(sent).toMatchObject({
      body: document,
      contentType: 'application/json',
      messageId: GATEWAY_ID,
      correlationId: GATEWAY_ID,
      applicationProperties: { ...RESULT.properties, traceparent: TRACEPARENT },
    });
    expect(sent.sessionId).toBeUndefined();
  });

  it('round-trips through decode', () => {
    const sent = encodeResult({ ...RESULT, sessionId: 's1' });

    const decoded = decodeResult({ ...sent, deliveryCount: 1 } as ServiceBusReceivedMessage);

    expect(decoded).toEqual({ ...RESULT, sessionId: 's1', deliveryCount: 1 });
  });

  it('addresses a copy to one subscription with deliveryRetryFor', () => {
    const sent = encodeResult({ ...RESULT, retryFor: 'ehr' });

    expect(sent.applicationProperties).toMatchObject({ deliveryRetryFor: 'ehr' });
    expect(encodeResult(RESULT).applicationProperties).not.toHaveProperty('deliveryRetryFor');
  });

  it('keeps properties outside the contract off the bus', () => {
    const extra = { ...RESULT.properties, patientName: 'Featherstonehaugh' };

    const sent = encodeResult({ ...RESULT, properties: extra });

    expect(Object.keys(sent.applicationProperties ?? {})).not.toContain('patientName');
  });

  it.each([
    ['resultStatus', { resultStatus: 'Q' }],
    ['abnormal', { abnormal: 'yes' }],
    ['receivingFacility', { receivingFacility: undefined }],
  ])('rejects %s outside the contract', (name, change) => {
    const sent = encodeResult(RESULT);
    const applicationProperties = { ...sent.applicationProperties, ...change };

    const message = envelopeError(() =>
      decodeResult({ ...sent, applicationProperties } as unknown as ServiceBusReceivedMessage),
    );

    expect(message).toContain(name);
  });

  it('rejects a body that is not a result document', () => {
    const sent = encodeResult(RESULT);

    const message = envelopeError(() =>
      decodeResult({ ...sent, body: { schemaVersion: 2 } } as ServiceBusReceivedMessage),
    );

    expect(message).toContain('schemaVersion 1');
  });
});

describe('inboundHeaderProperties', () => {
  it('keeps the five MSH fields and drops everything else a parsed header holds', () => {
    const header = {
      messageType: 'ORU^R01',
      hl7Version: '2.5.1',
      sendingApplication: 'LAB',
      sendingFacility: 'RIVERSIDE',
      controlId: 'C0001',
      patient: { sendingFacility: 'RIVERSIDE', patientId: 'PAT-0001' },
    };

    expect(inboundHeaderProperties(header)).toStrictEqual({
      messageType: 'ORU^R01',
      hl7Version: '2.5.1',
      sendingApplication: 'LAB',
      sendingFacility: 'RIVERSIDE',
      controlId: 'C0001',
    });
  });
});
