/**
 * The local platform for the processor's tests: a real Azurite and the real broker with
 * the gateway's entities (`config/servicebus.json`), the processor's environment, and
 * helpers that do what ingest does (status record, enqueue) and what subscribers see
 * (results on a subscription, dead letters on `hl7-inbound`).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { parse } from '@hl7gw/hl7-core';
import {
  decodeResult,
  newGatewayId,
  patientSessionId,
  type Bus,
  type ReceivedResult,
  type StatusStore,
} from '@hl7gw/platform';
import { startAzurite, type RunningAzurite } from '@hl7gw/platform/testing';
import { loadConfig, startBroker } from '@hl7gw/servicebus-local';

const CONFIG_PATH = new URL('../../../../config/servicebus.json', import.meta.url);

/** A result as a subscriber received it. */
export interface SeenResult extends ReceivedResult {
  /** The bus `messageId`. */
  messageId: string;
}

/** The running platform. */
export interface TestPlatform {
  /** The processor's environment: connection settings and test-sized knobs. */
  env: Record<string, string>;
  /** A client for sending and peeking. */
  client: ServiceBusClient;
  /** Results received so far, by subscription, in arrival order. */
  results: { integrators: SeenResult[]; abnormal: SeenResult[] };
  /** Every dead letter on `hl7-inbound` peeked so far (peeking does not remove them). */
  deadLetters(): Promise<ServiceBusReceivedMessage[]>;
  stop(): Promise<void>;
}

/** Starts Azurite and the broker, and listens on both `hl7-results` subscriptions. */
export async function startTestPlatform(): Promise<TestPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'processor-test-'));
  let azurite: RunningAzurite | undefined;
  try {
    azurite = await startAzurite();
    const broker = await startBroker({
      port: 0,
      host: '127.0.0.1',
      config: loadConfig(await readFile(CONFIG_PATH, 'utf8')),
      dataDir,
    });
    const client = new ServiceBusClient(broker.connectionString);
    const results: TestPlatform['results'] = { integrators: [], abnormal: [] };
    const receivers = (['integrators', 'abnormal'] as const).map((name) => {
      const receiver = client.createReceiver('hl7-results', name, {
        receiveMode: 'receiveAndDelete',
      });
      receiver.subscribe({
        processMessage: async (message) => {
          results[name].push({ ...decodeResult(message), messageId: String(message.messageId) });
        },
        processError: async () => undefined,
      });
      return receiver;
    });

    const deadLetters: ServiceBusReceivedMessage[] = [];
    const running = azurite;
    return {
      env: {
        ServiceBusConnection: broker.connectionString,
        AzureWebJobsStorage: running.connectionString,
        HL7GW_LOG_LEVEL: 'silent',
        HL7GW_STATUS_WAIT_MS: '200',
      },
      client,
      results,
      async deadLetters() {
        // The client carries on peeking after the last message it peeked on an entity, so
        // each peek brings only new dead letters; they are kept here.
        const receiver = client.createReceiver('hl7-inbound', { subQueueType: 'deadLetter' });
        try {
          deadLetters.push(...(await receiver.peekMessages(100)));
          return deadLetters;
        } finally {
          await receiver.close();
        }
      },
      async stop() {
        await Promise.allSettled(receivers.map((receiver) => receiver.close()));
        await client.close();
        await broker.close();
        await running.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await azurite?.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** What a test submits: the raw text, and header facts ingest would read from MSH. */
export interface Submission {
  raw: string;
  /** The gateway id to give it; a new one when absent. */
  id?: string;
  /** Leaves the status record unwritten, as for a message ingest never recorded. */
  withoutStatus?: boolean;
}

/**
 * Does what ingest does for one message: writes the status record (`received`, then
 * `queued`), and enqueues the envelope to `hl7-inbound` with the duplicate-detection id and
 * the patient session. Header facts come from MSH, read with the real parser when it can;
 * unparseable text gets placeholder facts. Returns the gateway id.
 */
export async function submit(
  deps: { bus: Pick<Bus, 'sendInbound'>; statuses: Pick<StatusStore, 'create' | 'transition'> },
  submission: Submission,
): Promise<string> {
  const id = submission.id ?? newGatewayId();
  const header = readHeader(submission.raw);
  const facts = {
    messageType: header.messageType,
    sendingFacility: header.sendingFacility,
    controlId: header.controlId,
    clientId: 'test',
  };

  if (!submission.withoutStatus) await deps.statuses.create(id, facts);
  await deps.bus.sendInbound({
    envelope: {
      v: 1,
      id,
      receivedAt: new Date().toISOString(),
      source: { clientId: 'test', channel: 'http' },
      raw: submission.raw,
    },
    properties: {
      messageType: header.messageType,
      hl7Version: '2.5.1',
      sendingApplication: header.sendingApplication,
      sendingFacility: header.sendingFacility,
      controlId: header.controlId,
      traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
      replayCount: 0,
    },
    sessionId: patientSessionId(
      { sendingFacility: header.sendingFacility, patientId: header.patientId },
      { fallback: id },
    ),
  });
  if (!submission.withoutStatus) await deps.statuses.transition(id, 'queued');
  return id;
}

function readHeader(raw: string) {
  try {
    const message = parse(raw);
    return {
      messageType: message.messageType || 'UNKNOWN',
      sendingApplication: message.header.value(3, 1, 1),
      sendingFacility: message.header.value(4, 1, 1),
      controlId: message.controlId || newGatewayId(),
      patientId: message.segment('PID')?.value(3, 1, 1) ?? '',
    };
  } catch {
    const controlId = newGatewayId();
    return {
      messageType: 'UNKNOWN',
      sendingApplication: 'UNKNOWN',
      sendingFacility: 'UNKNOWN',
      controlId,
      patientId: '',
    };
  }
}
