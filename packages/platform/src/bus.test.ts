import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import type { ResultDocument } from '@hl7gw/hl7-core';
import { loadConfig, startBroker, type RunningBroker } from '@hl7gw/servicebus-local';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { BlobStore } from './blob-store.js';
import { Bus, createServiceBusClient } from './bus.js';
import { parseConfig, type GatewayConfig } from './config.js';
import { decodeInbound, type InboundMessage } from './envelope.js';
import { isPlatformError } from './errors.js';
import { patientSessionId } from './hash.js';
import { createIdGenerator } from './ids.js';
import { decodeResult, type ResultMessage } from './result-message.js';
import { FAST_STORAGE_RETRY } from './testing/fast-retry.js';
import { startAzurite, type RunningAzurite } from './testing/azurite.js';

// The gateway's entities as infra creates them, in the Service Bus emulator's format.
const BROKER_CONFIG = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'platform-test',
        Queues: [
          {
            Name: 'hl7-inbound',
            Properties: {
              RequiresSession: true,
              RequiresDuplicateDetection: true,
              DuplicateDetectionHistoryTimeWindow: 'PT10M',
              LockDuration: 'PT5S',
              MaxDeliveryCount: 5,
            },
          },
        ],
        Topics: [
          {
            Name: 'hl7-results',
            Properties: {},
            Subscriptions: [
              { Name: 'everything', Properties: {} },
              {
                Name: 'abnormal',
                Properties: {},
                Rules: [
                  {
                    Name: 'abnormal-only',
                    Properties: {
                      FilterType: 'Sql',
                      SqlFilter: { SqlExpression: 'abnormal = TRUE' },
                    },
                  },
                ],
              },
              {
                Name: 'riverside-final',
                Properties: {},
                Rules: [
                  {
                    Name: 'riverside-final',
                    Properties: {
                      FilterType: 'Sql',
                      SqlFilter: {
                        SqlExpression:
                          "sendingFacility = 'RIVERSIDE' AND resultStatus IN ('F', 'C')",
                      },
                    },
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
};

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const CLAIM_CHECK_THRESHOLD_BYTES = 1024;
const WAIT_MS = 5_000;

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let azurite: RunningAzurite;
let broker: RunningBroker;
let dataDir: string;
let config: GatewayConfig;
let blobs: BlobStore;
let bus: Bus;
const nextId = createIdGenerator();

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'platform-bus-'));
  [azurite, broker] = await Promise.all([
    startAzurite(),
    startBroker({ port: 0, config: loadConfig(JSON.stringify(BROKER_CONFIG)), dataDir }),
  ]);
  config = parseConfig({
    ServiceBusConnection: broker.connectionString,
    AzureWebJobsStorage: azurite.connectionString,
    HL7GW_CLAIM_CHECK_THRESHOLD_BYTES: String(CLAIM_CHECK_THRESHOLD_BYTES),
  });
  blobs = BlobStore.fromConnection(config.storage, { retry: FAST_STORAGE_RETRY });
  bus = Bus.fromConfig(config, blobs, { maxRetries: 1, timeoutMs: 10_000 });
});

afterAll(async () => {
  await bus?.close();
  await broker?.close();
  await azurite?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** An ORU^R01 for one patient, with a fresh gateway id and control id. */
function inbound(patientId: string, raw?: string): InboundMessage {
  const id = nextId();
  const controlId = `C${id.slice(-8)}`;
  return {
    envelope: {
      v: 1,
      id,
      receivedAt: new Date().toISOString(),
      source: { clientId: 'riverside-lab', channel: 'http' },
      raw:
        raw ??
        `MSH|^~\\&|LAB|RIVERSIDE|GW|TRUST|20240315101500||ORU^R01|${controlId}|P|2.5.1\rPID|1||${patientId}`,
    },
    properties: {
      messageType: 'ORU^R01',
      hl7Version: '2.5.1',
      sendingApplication: 'LAB',
      sendingFacility: 'RIVERSIDE',
      controlId,
      traceparent: TRACEPARENT,
      replayCount: 0,
    },
    sessionId: patientSessionId(
      { sendingFacility: 'RIVERSIDE', patientId, assigningAuthority: 'NHS' },
      { fallback: id },
    ),
  };
}

/**
 * Receives until `expected` messages have arrived, completes them, and peeks for any
 * left over, so absence is checked without waiting out a timeout.
 */
async function drain(
  receiver: ServiceBusReceiver,
  expected: number,
): Promise<{ messages: ServiceBusReceivedMessage[]; leftOver: number }> {
  const messages: ServiceBusReceivedMessage[] = [];
  for (let round = 0; round < 5 && messages.length < expected; round++) {
    const wanted = expected - messages.length;
    messages.push(...(await receiver.receiveMessages(wanted, { maxWaitTimeInMs: WAIT_MS })));
  }
  for (const message of messages) await receiver.completeMessage(message);
  const leftOver = (await receiver.peekMessages(10)).length;
  await receiver.close();
  return { messages, leftOver };
}

function result(abnormal: boolean, resultStatus: 'F' | 'P'): ResultMessage {
  return {
    gatewayId: nextId(),
    document: { schemaVersion: 1, patient: {}, orders: [] } as unknown as ResultDocument,
    properties: {
      messageType: 'ORU^R01',
      sendingFacility: 'RIVERSIDE',
      receivingFacility: 'TRUST',
      resultStatus,
      abnormal,
      priority: 'R',
    },
    traceparent: TRACEPARENT,
  };
}

describe('Bus against servicebus-local', () => {
  it('sends an inbound message that the processor side decodes intact', async () => {
    const message = inbound('9434765919');

    const sent = await bus.sendInbound(message);
    const receiver = await bus.acceptSession(message.sessionId);
    const [received] = await receiver.receiveMessages(1, { maxWaitTimeInMs: WAIT_MS });
    if (received === undefined) throw new Error('nothing received');
    await receiver.completeMessage(received);
    await receiver.close();

    expect(sent.claimCheck).toBeUndefined();
    expect(decodeInbound(received)).toEqual({
      ...message,
      messageId: sent.messageId,
      deliveryCount: 0,
    });
  });

  it('sends content above the threshold by claim check', async () => {
    const raw = `MSH|^~\\&|LAB|RIVERSIDE\rOBX|1|TX|||${'x'.repeat(CLAIM_CHECK_THRESHOLD_BYTES)}`;
    const message = inbound('9434765870', raw);

    const sent = await bus.sendInbound(message);
    const receiver = await bus.acceptSession(message.sessionId);
    const [received] = await receiver.receiveMessages(1, { maxWaitTimeInMs: WAIT_MS });
    if (received === undefined) throw new Error('nothing received');
    await receiver.completeMessage(received);
    await receiver.close();
    const decoded = decodeInbound(received);

    expect(sent.claimCheck?.name).toBe(`claims/${message.envelope.id}.hl7`);
    expect(decoded.envelope.raw).toBeUndefined();
    expect(decoded.envelope.blobRef).toEqual(sent.claimCheck);
    expect(await bus.readRaw(decoded.envelope)).toBe(raw);
  });

  it('delivers one patient’s messages in order, and a resent message once', async () => {
    const first = inbound('4010232137');
    const second = { ...inbound('4010232137'), sessionId: first.sessionId };
    const third = { ...inbound('4010232137'), sessionId: first.sessionId };

    await bus.sendInboundMany([first, second, third]);
    await bus.sendInbound(second);
    const { messages, leftOver } = await drain(await bus.acceptSession(first.sessionId), 3);

    expect(messages.map((message) => decodeInbound(message).envelope.id)).toEqual([
      first.envelope.id,
      second.envelope.id,
      third.envelope.id,
    ]);
    expect(leftOver).toBe(0);
  });

  it('publishes results that subscriptions select by their filters', async () => {
    const normal = result(false, 'F');
    const abnormal = result(true, 'P');

    await bus.publishResult(normal);
    await bus.publishResult(abnormal);

    const read = async (subscription: string, expected: number) => {
      const { messages, leftOver } = await drain(
        bus.receiver('hl7-results', subscription),
        expected,
      );
      expect(leftOver).toBe(0);
      return messages.map((message) => decodeResult(message).gatewayId).sort();
    };
    expect(await read('everything', 2)).toEqual([normal.gatewayId, abnormal.gatewayId].sort());
    expect(await read('abnormal', 1)).toEqual([abnormal.gatewayId]);
    expect(await read('riverside-final', 1)).toEqual([normal.gatewayId]);
  });

  it('dead-letters with a reason that the dead-letter receiver reads back', async () => {
    const message = inbound('9990001112');
    await bus.sendInbound(message);
    const receiver = await bus.acceptSession(message.sessionId);
    const [received] = await receiver.receiveMessages(1, { maxWaitTimeInMs: WAIT_MS });
    if (received === undefined) throw new Error('nothing received');

    await receiver.deadLetterMessage(received, {
      deadLetterReason: 'validation',
      deadLetterErrorDescription: 'PID-3 is required',
    });
    await receiver.close();
    const deadLetters = bus.deadLetterReceiver('hl7-inbound');
    const [dead] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: WAIT_MS });
    if (dead === undefined) throw new Error('nothing dead-lettered');
    await deadLetters.completeMessage(dead);
    await deadLetters.close();

    expect(dead.deadLetterReason).toBe('validation');
    expect(dead.deadLetterErrorDescription).toBe('PID-3 is required');
    expect(decodeInbound(dead).envelope.id).toBe(message.envelope.id);
  });

  it('reports a bus that is down as BUS_UNAVAILABLE', async () => {
    const down = new Bus(
      createServiceBusClient(
        {
          kind: 'connection-string',
          connectionString: broker.connectionString.replace(`:${broker.port};`, ':1;'),
        },
        { maxRetries: 0, timeoutMs: 3_000 },
      ),
      { entities: config.entities, claimCheckThresholdBytes: 1024, blobs },
    );

    const error = await down.sendInbound(inbound('1112223334')).catch((e: unknown) => e);
    await down.close();

    expect(isPlatformError(error) && error.code).toBe('BUS_UNAVAILABLE');
    expect(isPlatformError(error) && error.retryable).toBe(true);
  });

  it('refuses to send once closed', async () => {
    const closing = Bus.fromConfig(config, blobs);
    await closing.close();
    await closing.close();

    const error = await closing.sendInbound(inbound('5556667778')).catch((e: unknown) => e);

    expect(isPlatformError(error) && error.code).toBe('BUS_UNAVAILABLE');
  });
});
