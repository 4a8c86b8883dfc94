/**
 * What is kept of a result dead-lettered on a results subscription: the result document
 * with the filter properties and session it was published with, as JSON, so a replay can
 * publish it again exactly as it was. It is parked under `<gateway id>-<subscription>`,
 * because one result can be dead-lettered on several subscriptions.
 */
import {
  GatewayError,
  RESULT_STATUSES,
  type ResultMessage,
  type ResultProperties,
  type ResultStatus,
} from '@hl7gw/platform';

import { isObject, text } from './trigger-metadata.js';

/** The parked form of a result message. */
export interface ParkedResult {
  /** The gateway id of the inbound message the result came from. */
  gatewayId: string;
  /** The filter properties it was published with. */
  properties: ResultProperties;
  /** The session it was published with, when it had one. */
  sessionId?: string;
  /** Its trace context, when it had one. */
  traceparent?: string;
  /** The result document, as received. */
  document: unknown;
}

/** The parked id of a result dead-lettered on `subscription`. */
export function resultParkedId(gatewayId: string, subscription: string): string {
  // Parked ids become blob names, which allow letters, digits, - and _ only.
  return `${gatewayId}-${subscription.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** The gateway id a parked id starts with (ULIDs are 26 characters). */
export function gatewayIdOfParked(parkedId: string): string {
  return parkedId.slice(0, 26);
}

/** The filter properties among a result message's application properties (camel-cased). */
export function resultPropertiesOf(props: Record<string, unknown>): ResultProperties {
  const status = text(props.resultStatus);
  return {
    messageType: text(props.messageType) ?? '',
    sendingFacility: text(props.sendingFacility) ?? '',
    receivingFacility: text(props.receivingFacility) ?? '',
    resultStatus: (RESULT_STATUSES as readonly string[]).includes(status ?? '')
      ? (status as ResultStatus)
      : 'F',
    abnormal: props.abnormal === true || props.abnormal === 'true',
    priority: text(props.priority) ?? '',
  };
}

/** Reads a parked result back. Throws `GatewayError` `BAD_REQUEST` when it is not one. */
export function readParkedResult(content: string, gatewayId: string): ResultMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (error) {
    throw new GatewayError('BAD_REQUEST', 'The parked result is not JSON', { cause: error });
  }
  if (!isObject(parsed) || !isObject(parsed.properties) || !isObject(parsed.document)) {
    throw new GatewayError('BAD_REQUEST', 'The parked content is not a parked result');
  }

  const message: ResultMessage = {
    gatewayId,
    document: parsed.document as unknown as ResultMessage['document'],
    properties: resultPropertiesOf(parsed.properties),
  };
  if (typeof parsed.sessionId === 'string') message.sessionId = parsed.sessionId;
  if (typeof parsed.traceparent === 'string') message.traceparent = parsed.traceparent;
  return message;
}
