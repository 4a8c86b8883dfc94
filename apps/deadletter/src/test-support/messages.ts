/**
 * Test messages and bus moves: synthetic ORU^R01s (no real patient), inbound envelopes
 * as ingest would send them, and dead-lettering through the real client the way the
 * processor or a subscriber would.
 */
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { parse, toResult } from '@hl7gw/hl7-core';
import {
  newGatewayId,
  patientSessionId,
  type InboundMessage,
  type ResultMessage,
} from '@hl7gw/platform';

import type { Deps } from '../deps.js';

/** A synthetic ORU^R01; `patientId` empty leaves PID-3 out. */
export function oru(controlId: string, facility: string, patientId = '9990000018'): string {
  return [
    `MSH|^~\\&|WINPATH|${facility}|EPR|UHW|20261203101500+0000||ORU^R01^ORU_R01|${controlId}|P|2.5.1`,
    `PID|1||${patientId ? `${patientId}^^^NHS^NH` : ''}||Prawf^Angharad||19870412|F`,
    'OBR|1|PL0001|FL0001|UE^Urea and electrolytes^L|||20261203090000+0000',
    'OBX|1|NM|22664-7^Urea^LN||7.9|mmol/L^^UCUM|2.5-7.8|H|||F',
  ].join('\r');
}

/** The inbound message ingest would send for `raw`. */
export function inbound(raw: string, facility: string, controlId: string): InboundMessage {
  const id = newGatewayId();
  const patientId = parse(raw).get('PID-3.1');
  return {
    envelope: {
      v: 1,
      id,
      receivedAt: new Date().toISOString(),
      source: { clientId: 'test', channel: 'http' },
      raw,
    },
    properties: {
      messageType: 'ORU^R01',
      hl7Version: '2.5.1',
      sendingApplication: 'WINPATH',
      sendingFacility: facility,
      controlId,
      traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`,
      replayCount: 0,
    },
    sessionId: patientSessionId(
      { sendingFacility: facility, patientId, assigningAuthority: 'NHS' },
      { fallback: id },
    ),
  };
}

/** Creates the status record ingest would (`received`, then `queued`) and sends `message`. */
export async function submit(deps: Deps, message: InboundMessage): Promise<void> {
  const { id } = message.envelope;
  await deps.statuses.create(id, {
    messageType: message.properties.messageType,
    sendingFacility: message.properties.sendingFacility,
    controlId: message.properties.controlId,
    clientId: 'test',
  });
  await deps.bus.sendInbound(message);
  await deps.statuses.transition(id, 'queued');
}

/** Receives the next message of an inbound session, as the processor would. */
export async function receiveFromSession(
  deps: Deps,
  sessionId: string,
): Promise<{ message: ServiceBusReceivedMessage; settle: SessionSettler }> {
  const receiver = await deps.bus.acceptSession(sessionId);
  const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
  if (message === undefined) {
    await receiver.close();
    throw new Error(`no message in session ${sessionId.slice(0, 8)}`);
  }
  return {
    message,
    settle: {
      deadLetter: async (reason, description) => {
        await receiver.deadLetterMessage(message, {
          deadLetterReason: reason,
          deadLetterErrorDescription: description,
        });
        await receiver.close();
      },
      complete: async () => {
        await receiver.completeMessage(message);
        await receiver.close();
      },
    },
  };
}

/** Settles a message received with `receiveFromSession`, closing its session. */
export interface SessionSettler {
  deadLetter(reason: string, description: string): Promise<void>;
  complete(): Promise<void>;
}

/** Sends `message` and has the processor dead-letter it with `reason`. */
export async function deadLetterInbound(
  deps: Deps,
  message: InboundMessage,
  reason = 'VALIDATION_FAILED',
  description = 'PID-3 is required',
): Promise<void> {
  await submit(deps, message);
  const { settle } = await receiveFromSession(deps, message.sessionId);
  await settle.deadLetter(reason, description);
}

/** The result message the processor would publish for `raw`. */
export function resultFor(raw: string, facility: string): ResultMessage {
  const gatewayId = newGatewayId();
  return {
    gatewayId,
    document: toResult(parse(raw), { gatewayMessageId: gatewayId }),
    properties: {
      messageType: 'ORU^R01',
      sendingFacility: facility,
      receivingFacility: 'UHW',
      resultStatus: 'F',
      abnormal: false,
      priority: '',
    },
  };
}
