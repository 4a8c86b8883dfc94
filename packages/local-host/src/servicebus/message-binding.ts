/**
 * Turns a received Service Bus message into what the Functions Service Bus extension
 * hands a Node function: the body as typed data (text when it is UTF-8, which
 * `@azure/functions` then parses when it is JSON; bytes otherwise or when the trigger
 * asks for `dataType: 'binary'`), and the message's properties as trigger metadata under
 * the extension's names (`MessageId`, `DeliveryCount`, `ApplicationProperties`, ...),
 * which `@azure/functions` camel-cases into `context.triggerMetadata`.
 */
import { isUtf8 } from 'node:buffer';

import type { ServiceBusReceivedMessage } from '@azure/service-bus';

import type { RpcTraceContext, RpcTypedData } from '../core/core-types.js';

type IdValue = string | number | Buffer | { toString(): string } | undefined;

/**
 * The body as typed data. The receiver runs with `skipParsingBodyAsJson`, so a data
 * section arrives as the bytes the sender wrote.
 */
export function messageBodyData(
  message: ServiceBusReceivedMessage,
  dataType: unknown,
): RpcTypedData {
  const body: unknown = message.body;

  if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
    const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    if (dataType === 'binary' || (dataType !== 'string' && !isUtf8(bytes))) return { bytes };
    return { string: bytes.toString('utf8') };
  }
  if (typeof body === 'string') return { string: body };
  if (body === undefined || body === null) return { string: '' };
  return { json: JSON.stringify(body) };
}

function stringData(value: IdValue): RpcTypedData | undefined {
  if (value === undefined || value === null) return undefined;
  if (Buffer.isBuffer(value)) return { string: value.toString('hex') };
  return { string: String(value) };
}

function dateData(value: Date | undefined): RpcTypedData | undefined {
  return value ? { string: value.toISOString() } : undefined;
}

function sequenceNumber(message: ServiceBusReceivedMessage): RpcTypedData | undefined {
  const value = message.sequenceNumber as { toNumber(): number } | number | undefined;
  if (value === undefined) return undefined;
  return { int: typeof value === 'number' ? value : value.toNumber() };
}

/**
 * Which delivery this is, counting from 1 as the extension (.NET client) reports it. The
 * JavaScript client reports the AMQP header's count of earlier deliveries, from 0.
 */
export function deliveryAttempt(message: ServiceBusReceivedMessage): number {
  return (message.deliveryCount ?? 0) + 1;
}

/** The trigger metadata of one message, keyed as the extension keys it. */
export function messageTriggerMetadata(
  message: ServiceBusReceivedMessage,
): Record<string, RpcTypedData> {
  const applicationProperties: RpcTypedData = {
    json: JSON.stringify(message.applicationProperties ?? {}),
  };
  const entries: [string, RpcTypedData | undefined][] = [
    ['MessageId', stringData(message.messageId)],
    ['SessionId', stringData(message.sessionId)],
    ['CorrelationId', stringData(message.correlationId)],
    ['ContentType', stringData(message.contentType)],
    ['Subject', stringData(message.subject)],
    ['Label', stringData(message.subject)],
    ['To', stringData(message.to)],
    ['ReplyTo', stringData(message.replyTo)],
    ['ReplyToSessionId', stringData(message.replyToSessionId)],
    ['PartitionKey', stringData(message.partitionKey)],
    ['DeliveryCount', { int: deliveryAttempt(message) }],
    ['SequenceNumber', sequenceNumber(message)],
    ['EnqueuedTimeUtc', dateData(message.enqueuedTimeUtc)],
    ['ExpiresAtUtc', dateData(message.expiresAtUtc)],
    ['LockToken', stringData(message.lockToken)],
    ['DeadLetterSource', stringData(message.deadLetterSource)],
    ['DeadLetterReason', stringData(message.deadLetterReason)],
    ['DeadLetterErrorDescription', stringData(message.deadLetterErrorDescription)],
    ['ApplicationProperties', applicationProperties],
    ['UserProperties', applicationProperties],
  ];

  const metadata: Record<string, RpcTypedData> = {};
  for (const [name, data] of entries) if (data) metadata[name] = data;
  return metadata;
}

/**
 * The W3C trace context a sender put on the message (`traceparent`, or the older
 * `Diagnostic-Id`), so the invocation continues the sender's trace.
 */
export function messageTraceContext(
  message: ServiceBusReceivedMessage,
): RpcTraceContext | undefined {
  const properties = message.applicationProperties ?? {};
  const traceParent = properties.traceparent ?? properties['Diagnostic-Id'];
  if (typeof traceParent !== 'string') return undefined;

  const traceState = properties.tracestate;
  return { traceParent, traceState: typeof traceState === 'string' ? traceState : null };
}
