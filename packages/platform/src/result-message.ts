/**
 * The result bus message (DESIGN "Contracts"): what the processor publishes to
 * `hl7-results`. The body is the canonical result document; the application properties
 * are what subscription SQL filters select on, so they are facts about the order, never
 * about the patient.
 */
import type { ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';
import type { ResultDocument } from '@hl7gw/hl7-core';

import { isRecord, JSON_CONTENT_TYPE, readJsonBody } from './envelope.js';
import { PlatformError } from './errors.js';
import { isGatewayId } from './ids.js';

/** Result status for filters: final, preliminary, corrected, cancelled (from OBR-25). */
export const RESULT_STATUSES = ['F', 'P', 'C', 'X'] as const;

/** One of `RESULT_STATUSES`. */
export type ResultStatus = (typeof RESULT_STATUSES)[number];

/** The application properties subscriptions filter on. */
export interface ResultProperties {
  /** MSH-9 as `ORU^R01`. */
  messageType: string;
  /** MSH-4. */
  sendingFacility: string;
  /** MSH-6. */
  receivingFacility: string;
  /** The overall result status. */
  resultStatus: ResultStatus;
  /** True when any observation is flagged abnormal. */
  abnormal: boolean;
  /** The order priority (such as `S` for stat, `R` for routine); empty when unstated. */
  priority: string;
}

/** A result message ready to publish, or as received. */
export interface ResultMessage {
  /** The gateway id of the inbound message the result came from. */
  gatewayId: string;
  /** The canonical result document. */
  document: ResultDocument;
  /** The filter properties. */
  properties: ResultProperties;
  /** The W3C trace context to continue, when there is one. */
  traceparent?: string;
  /** A session id for ordered delivery, normally the inbound message's patient session. */
  sessionId?: string;
  /**
   * The one `hl7-results` subscription this copy is for, sent as the `deliveryRetryFor`
   * application property: a delivery retry or a replay of a result dead-lettered on that
   * subscription. Every subscription's rule keeps such copies to their own subscription.
   */
  retryFor?: string;
}

/** A result message decoded from a subscription, with the bus's facts about it. */
export interface ReceivedResult extends ResultMessage {
  /**
   * Earlier deliveries, as the JavaScript SDK reports them: zero-based, 0 on the first
   * delivery (the .NET SDK adds one to the same AMQP header).
   */
  deliveryCount: number;
}

/**
 * Builds the Service Bus message for a result. The `messageId` is the gateway id, so a
 * processor that publishes the same result twice is deduplicated by the topic. Throws
 * `PlatformError` `ENVELOPE_INVALID` when a property breaks the contract.
 */
export function encodeResult(message: ResultMessage): ServiceBusMessage {
  checkResultProperties(message.properties);
  if (!isGatewayId(message.gatewayId)) throw invalid('gatewayId must be a gateway id (ULID)');

  const { properties } = message;
  // Only the contract's keys: anything else a caller adds must not reach bus metadata.
  const applicationProperties: Record<string, string | boolean> = {
    messageType: properties.messageType,
    sendingFacility: properties.sendingFacility,
    receivingFacility: properties.receivingFacility,
    resultStatus: properties.resultStatus,
    abnormal: properties.abnormal,
    priority: properties.priority,
  };
  if (message.traceparent !== undefined) applicationProperties.traceparent = message.traceparent;
  if (message.retryFor !== undefined) applicationProperties.deliveryRetryFor = message.retryFor;

  return {
    body: message.document,
    contentType: JSON_CONTENT_TYPE,
    messageId: message.gatewayId,
    correlationId: message.gatewayId,
    subject: properties.messageType,
    ...(message.sessionId === undefined ? {} : { sessionId: message.sessionId }),
    applicationProperties,
  };
}

/**
 * Reads a result message off a subscription. Checks the properties and that the body is a
 * result document object (its schema is the processor's to check, with ajv); throws
 * `PlatformError` `ENVELOPE_INVALID` naming the field at fault.
 */
export function decodeResult(received: ServiceBusReceivedMessage): ReceivedResult {
  const document = readJsonBody(received.body);
  if (!isRecord(document) || document.schemaVersion !== 1) {
    throw invalid('body must be a result document with schemaVersion 1');
  }

  const props = received.applicationProperties ?? {};
  const properties = {
    messageType: props.messageType,
    sendingFacility: props.sendingFacility,
    receivingFacility: props.receivingFacility,
    resultStatus: props.resultStatus,
    abnormal: props.abnormal,
    priority: props.priority,
  } as ResultProperties;
  checkResultProperties(properties);

  const gatewayId = String(received.correlationId ?? received.messageId ?? '');
  if (!isGatewayId(gatewayId)) throw invalid('correlationId must be a gateway id (ULID)');

  const result: ReceivedResult = {
    gatewayId,
    document: document as unknown as ResultDocument,
    properties,
    deliveryCount: received.deliveryCount ?? 0,
  };
  if (typeof props.traceparent === 'string') result.traceparent = props.traceparent;
  if (typeof received.sessionId === 'string') result.sessionId = received.sessionId;
  return result;
}

function checkResultProperties(properties: ResultProperties): void {
  if (typeof properties.messageType !== 'string' || properties.messageType === '') {
    throw invalid('messageType must be a non-empty string');
  }
  for (const name of ['sendingFacility', 'receivingFacility', 'priority'] as const) {
    if (typeof properties[name] !== 'string') throw invalid(`${name} must be a string`);
  }
  if (!(RESULT_STATUSES as readonly unknown[]).includes(properties.resultStatus)) {
    throw invalid(`resultStatus must be one of ${RESULT_STATUSES.join(', ')}`);
  }
  if (typeof properties.abnormal !== 'boolean') throw invalid('abnormal must be a boolean');
}

function invalid(problem: string): PlatformError {
  return new PlatformError('ENVELOPE_INVALID', `result message: ${problem}`);
}
