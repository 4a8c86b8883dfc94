/**
 * The inbound bus message (DESIGN "Contracts"): what ingest puts on `hl7-inbound` and the
 * processor takes off it. The body is a small JSON envelope carrying the raw HL7 inline or
 * a claim check to blob storage; the application properties carry MSH header fields so
 * subscribers, tools and dead-letter triage can read them without parsing HL7.
 *
 * `messageId` is the duplicate-detection hash and `sessionId` the patient hash from
 * `hash.ts`; neither carries patient data.
 */
import type { ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';

import type { BlobRef } from './blob-store.js';
import { PlatformError } from './errors.js';
import { inboundMessageId } from './hash.js';
import { isGatewayId } from './ids.js';

/** The envelope version this code writes and reads. */
export const ENVELOPE_VERSION = 1;

/** The content type of every gateway bus message. */
export const JSON_CONTENT_TYPE = 'application/json';

/** How a message reached the gateway. */
export const INBOUND_CHANNELS = ['http', 'mllp', 'replay'] as const;

/** One of `INBOUND_CHANNELS`. */
export type InboundChannel = (typeof INBOUND_CHANNELS)[number];

/** The body of an inbound message. Exactly one of `raw` and `blobRef` is present. */
export interface InboundEnvelope {
  /** The envelope version, `1`. */
  v: typeof ENVELOPE_VERSION;
  /** The gateway id (ULID) given at receipt. */
  id: string;
  /** When ingest received the message, ISO 8601 UTC. */
  receivedAt: string;
  /** Who sent it and how. */
  source: {
    /** The authenticated client (API key owner or Entra application). */
    clientId: string;
    /** The transport it arrived on. */
    channel: InboundChannel;
  };
  /** The gateway id of the batch it arrived in, when it did. */
  batchId?: string;
  /** The HL7 message text, when small enough to travel inline. */
  raw?: string;
  /** Where the HL7 message text is, when it was too large to travel inline. */
  blobRef?: BlobRef;
}

/** The application properties of an inbound message: MSH fields and tracing, never PHI. */
export interface InboundProperties {
  /** MSH-9 as `ORU^R01`. */
  messageType: string;
  /** MSH-12. */
  hl7Version: string;
  /** MSH-3. */
  sendingApplication: string;
  /** MSH-4. */
  sendingFacility: string;
  /** MSH-10, the message control id. */
  controlId: string;
  /** The W3C trace context of the request that received it. */
  traceparent: string;
  /** The gateway id of the parked message this one replays. */
  replayOf?: string;
  /** How many times the message has been replayed; 0 for an original. */
  replayCount: number;
}

/** The MSH fields an inbound message carries as application properties. */
export type InboundHeaderProperties = Pick<
  InboundProperties,
  'messageType' | 'hl7Version' | 'sendingApplication' | 'sendingFacility' | 'controlId'
>;

/**
 * The MSH fields of `header` that travel as application properties, and nothing else: a
 * parsed header also holds the patient, which must never reach the bus's properties.
 */
export function inboundHeaderProperties(header: InboundHeaderProperties): InboundHeaderProperties {
  return {
    messageType: header.messageType,
    hl7Version: header.hl7Version,
    sendingApplication: header.sendingApplication,
    sendingFacility: header.sendingFacility,
    controlId: header.controlId,
  };
}

/** An inbound message ready to send, or as received. */
export interface InboundMessage {
  /** The body. */
  envelope: InboundEnvelope;
  /** The application properties. */
  properties: InboundProperties;
  /** The patient session id from `patientSessionId`. */
  sessionId: string;
}

/** An inbound message decoded from the bus, with the bus's own facts about it. */
export interface ReceivedInbound extends InboundMessage {
  /** The bus `messageId`: the duplicate-detection hash. */
  messageId: string;
  /**
   * Earlier deliveries, as the JavaScript SDK reports them: zero-based, 0 on the first
   * delivery (the .NET SDK adds one to the same AMQP header).
   */
  deliveryCount: number;
}

/**
 * Builds the Service Bus message for an inbound envelope: JSON body, `messageId` from
 * the duplicate-detection hash, `sessionId`, and the application properties. Throws
 * `PlatformError` `ENVELOPE_INVALID` when the envelope breaks the contract, so nothing
 * malformed is ever sent.
 */
export function encodeInbound(message: InboundMessage): ServiceBusMessage {
  checkEnvelope(message.envelope);
  checkProperties(message.properties);
  if (!isNonEmpty(message.sessionId) || message.sessionId.length > 128) {
    throw invalid('sessionId must be 1-128 characters');
  }

  const { properties } = message;
  const applicationProperties: Record<string, string | number> = {
    messageType: properties.messageType,
    hl7Version: properties.hl7Version,
    sendingApplication: properties.sendingApplication,
    sendingFacility: properties.sendingFacility,
    controlId: properties.controlId,
    traceparent: properties.traceparent,
    replayCount: properties.replayCount,
  };
  if (properties.replayOf !== undefined) applicationProperties.replayOf = properties.replayOf;

  return {
    body: message.envelope,
    contentType: JSON_CONTENT_TYPE,
    messageId: inboundMessageId(properties),
    sessionId: message.sessionId,
    correlationId: message.envelope.id,
    subject: properties.messageType,
    applicationProperties,
  };
}

/**
 * Reads an inbound message off the bus, checking every field of the contract. Throws
 * `PlatformError` `ENVELOPE_INVALID` naming the first field at fault (never its value):
 * such a message cannot be processed, and belongs in the dead-letter queue.
 */
export function decodeInbound(received: ServiceBusReceivedMessage): ReceivedInbound {
  const envelope = readJsonBody(received.body);
  checkEnvelope(envelope);

  const props = received.applicationProperties ?? {};
  const properties: InboundProperties = {
    messageType: props.messageType as string,
    hl7Version: props.hl7Version as string,
    sendingApplication: props.sendingApplication as string,
    sendingFacility: props.sendingFacility as string,
    controlId: props.controlId as string,
    traceparent: props.traceparent as string,
    replayCount: props.replayCount as number,
  };
  if (props.replayOf !== undefined) properties.replayOf = props.replayOf as string;
  checkProperties(properties);

  if (typeof received.sessionId !== 'string' || received.sessionId === '') {
    throw invalid('sessionId is missing');
  }
  return {
    envelope,
    properties,
    sessionId: received.sessionId,
    messageId: String(received.messageId ?? ''),
    deliveryCount: received.deliveryCount ?? 0,
  };
}

/**
 * The JSON value of a received body. The SDK hands back what was sent as an object, but a
 * sender outside the gateway may send the JSON as bytes or text.
 */
export function readJsonBody(body: unknown): unknown {
  if (typeof body === 'string' || Buffer.isBuffer(body) || body instanceof Uint8Array) {
    try {
      return JSON.parse(Buffer.from(body).toString('utf8')) as unknown;
    } catch (error) {
      throw new PlatformError('ENVELOPE_INVALID', 'envelope is not JSON', { cause: error });
    }
  }
  return body;
}

function checkEnvelope(value: unknown): asserts value is InboundEnvelope {
  if (!isRecord(value)) throw invalid('body must be a JSON object');
  if (value.v !== ENVELOPE_VERSION) throw invalid(`v must be ${ENVELOPE_VERSION}`);
  if (!isGatewayId(value.id)) throw invalid('id must be a gateway id (ULID)');
  if (!isIsoTime(value.receivedAt)) throw invalid('receivedAt must be an ISO 8601 time');

  const { source } = value;
  if (!isRecord(source) || !isNonEmpty(source.clientId)) {
    throw invalid('source.clientId must be a non-empty string');
  }
  if (!(INBOUND_CHANNELS as readonly unknown[]).includes(source.channel)) {
    throw invalid(`source.channel must be one of ${INBOUND_CHANNELS.join(', ')}`);
  }
  if (value.batchId !== undefined && !isGatewayId(value.batchId)) {
    throw invalid('batchId must be a gateway id (ULID)');
  }

  const hasRaw = value.raw !== undefined;
  const hasRef = value.blobRef !== undefined;
  if (hasRaw === hasRef) throw invalid('exactly one of raw and blobRef must be present');
  if (hasRaw && !isNonEmpty(value.raw)) throw invalid('raw must be a non-empty string');
  if (hasRef && !isBlobRef(value.blobRef)) {
    throw invalid('blobRef must have container, name and sizeBytes');
  }
}

function checkProperties(properties: InboundProperties): void {
  const required = ['messageType', 'hl7Version', 'controlId', 'traceparent'] as const;
  for (const name of required) {
    if (!isNonEmpty(properties[name])) throw invalid(`${name} must be a non-empty string`);
  }
  for (const name of ['sendingApplication', 'sendingFacility'] as const) {
    if (typeof properties[name] !== 'string') throw invalid(`${name} must be a string`);
  }
  if (!/^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/.test(properties.traceparent)) {
    throw invalid('traceparent must be a W3C trace context');
  }
  if (!Number.isInteger(properties.replayCount) || properties.replayCount < 0) {
    throw invalid('replayCount must be a non-negative integer');
  }
  if (properties.replayOf !== undefined && !isGatewayId(properties.replayOf)) {
    throw invalid('replayOf must be a gateway id (ULID)');
  }
}

function invalid(problem: string): PlatformError {
  return new PlatformError('ENVELOPE_INVALID', `inbound envelope: ${problem}`);
}

/** True for a non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isIsoTime(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}

function isBlobRef(value: unknown): value is BlobRef {
  return (
    isRecord(value) &&
    isNonEmpty(value.container) &&
    isNonEmpty(value.name) &&
    Number.isInteger(value.sizeBytes) &&
    (value.sizeBytes as number) >= 0
  );
}
