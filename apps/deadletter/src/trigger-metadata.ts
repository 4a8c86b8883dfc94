/**
 * Reads what a dead-letter trigger is told about its message. The Functions Service Bus
 * extension hands the message's properties over as `triggerMetadata`, camel-cased, and
 * `@azure/functions` parses string values that read as JSON, so a control id `12345`
 * may arrive as a number: every value is read defensively here.
 */
import type { InvocationContext } from '@azure/functions';
import { isGatewayId } from '@hl7gw/platform';

/** The facts of one dead-lettered message, as the trigger reported them. */
export interface DeadLetterMetadata {
  /** `DeadLetterReason`. */
  reason?: string;
  /** `DeadLetterErrorDescription`. */
  description?: string;
  /** The bus `messageId`. */
  messageId?: string;
  /** The bus `correlationId` (gateway messages carry their gateway id there). */
  correlationId?: string;
  /** The session the message belonged to on its source entity. */
  sessionId?: string;
  /**
   * Deliveries on the source entity: the trigger's count (from 1) less the dead-letter
   * queue's own delivery, and never below 1.
   */
  deliveryCount: number;
  /** The application properties, camel-cased. */
  properties: Record<string, unknown>;
  /** The W3C trace context the message carried. */
  traceparent?: string;
}

/** Reads the trigger metadata of a Service Bus invocation. Never throws. */
export function readDeadLetterMetadata(context: InvocationContext): DeadLetterMetadata {
  const meta = (context.triggerMetadata ?? {}) as Record<string, unknown>;
  const properties = isObject(meta.applicationProperties) ? meta.applicationProperties : {};
  const attempt = Number(meta.deliveryCount);

  return withoutUndefined({
    reason: text(meta.deadLetterReason) ?? text(properties.deadLetterReason),
    description:
      text(meta.deadLetterErrorDescription) ?? text(properties.deadLetterErrorDescription),
    messageId: text(meta.messageId),
    correlationId: text(meta.correlationId),
    sessionId: text(meta.sessionId),
    deliveryCount: Number.isInteger(attempt) ? Math.max(1, attempt - 1) : 1,
    properties,
    traceparent: text(properties.traceparent),
  });
}

/** The gateway id a message names, in its body's `id` or its correlation id. */
export function gatewayIdIn(body: unknown, meta: DeadLetterMetadata): string | undefined {
  const bodyId = isObject(body) ? body.id : undefined;
  if (isGatewayId(bodyId)) return bodyId;
  return isGatewayId(meta.correlationId) ? meta.correlationId : undefined;
}

/** A property as text: strings as they are, numbers and booleans written out, else undefined. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** True for a non-null, non-array object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
