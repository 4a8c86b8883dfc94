/**
 * Spans around what the apps do: a server span per HTTP request and a consumer span per
 * bus message (`tracedInvocations`, an invocation hook), a producer span per bus send
 * whose context travels in the message's `traceparent` property (`producerSpan`), and a
 * client span per storage call (`dependencySpan`). A message's spans across ingest,
 * processor and deadletter therefore share one trace id: the operation id in Application
 * Insights.
 *
 * Span names and attributes carry routes, entity names, codes and status codes only.
 */
import {
  context,
  createContextKey,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';

import { isPlatformError } from '../errors.js';
import { setupTelemetry, type Telemetry } from './setup.js';

const TELEMETRY_KEY = createContextKey('hl7gw.telemetry');
const TRACEPARENT = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/;

/** The app telemetry of the invocation running now, if any. */
export function currentTelemetry(active: Context = context.active()): Telemetry | undefined {
  return active.getValue(TELEMETRY_KEY) as Telemetry | undefined;
}

/** `00-<trace id>-<span id>-<flags>` for a span context. */
export function formatTraceparent(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & TraceFlags.SAMPLED) === 0 ? '00' : '01';
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** The remote span context a W3C `traceparent` names, or undefined when it is malformed. */
export function parseTraceparent(value: unknown): SpanContext | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!match || match[1] === 'ff') return undefined;
  const [, , traceId = '', spanId = '', flags = '00'] = match;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16) & 1, isRemote: true };
}

/** The `traceparent` of the active span, or undefined outside one. */
export function activeTraceparent(): string | undefined {
  const span = trace.getActiveSpan();
  return span === undefined ? undefined : formatTraceparent(span.spanContext());
}

/** What `tracedInvocations` reads of a Functions invocation. */
export interface InvocationLike {
  /** The function's name. */
  functionName: string;
  /** The trigger options as registered (`type`, `route`, `queueName`, ...). */
  options: { trigger: { type: string; [key: string]: unknown } };
  /** The host's trace context; rewritten to the new span's so handlers propagate it. */
  traceContext?: { traceParent?: string | null; traceState?: string | null; attributes?: unknown };
  /** The trigger's metadata (Service Bus message properties). */
  triggerMetadata?: Record<string, unknown>;
}

/** What a pre-invocation hook is given (`PreInvocationContext` of `@azure/functions`). */
export interface PreInvocationLike {
  /** The invocation. */
  invocationContext: unknown;
  /** The trigger input first. */
  inputs: unknown[];
  /** The handler to call; replaced by a traced one. */
  functionHandler: (...args: never[]) => unknown;
}

/**
 * A pre-invocation hook (`app.hook.preInvocation(tracedInvocations('ingest'))`) that runs
 * every function of the app inside a span of the app's telemetry: a server span for an
 * HTTP trigger (named `GET /api/<route>`, with its status code), a consumer span for a
 * Service Bus trigger (named `process <entity>`, child of the message's `traceparent`,
 * recording `hl7gw.bus.lag`). Other triggers get an internal span.
 */
export function tracedInvocations(service: string): (hook: PreInvocationLike) => void {
  return (hook) => {
    const invocation = hook.invocationContext as InvocationLike;
    const original = hook.functionHandler as (...args: unknown[]) => unknown;
    hook.functionHandler = ((...args: unknown[]) =>
      runTraced(setupTelemetry({ service }), invocation, hook.inputs[0], () =>
        original(...args),
      )) as PreInvocationLike['functionHandler'];
  };
}

async function runTraced(
  telemetry: Telemetry,
  invocation: InvocationLike,
  input: unknown,
  handler: () => unknown,
): Promise<unknown> {
  const trigger = invocation.options.trigger;
  const type = trigger.type.toLowerCase();
  const start =
    type === 'httptrigger'
      ? httpStart(invocation, input)
      : type === 'servicebustrigger'
        ? messageStart(telemetry, invocation, input)
        : { name: invocation.functionName, kind: SpanKind.INTERNAL, attributes: {} };

  const parentContext =
    start.parent === undefined
      ? trace.deleteSpan(context.active())
      : trace.setSpanContext(context.active(), start.parent);
  const span = telemetry.tracer.startSpan(
    start.name,
    { kind: start.kind, attributes: { ...start.attributes, 'faas.name': invocation.functionName } },
    parentContext,
  );
  // Handlers read the invocation's trace context to log and propagate it: make it this span.
  invocation.traceContext = {
    ...invocation.traceContext,
    traceParent: formatTraceparent(span.spanContext()),
  };

  const active = trace.setSpan(parentContext, span).setValue(TELEMETRY_KEY, telemetry);
  try {
    const result = await context.with(active, handler);
    if (type === 'httptrigger') endHttp(span, result);
    return result;
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

interface SpanStart {
  name: string;
  kind: SpanKind;
  attributes: Attributes;
  parent?: SpanContext;
}

function httpStart(invocation: InvocationLike, input: unknown): SpanStart {
  const request = input as { method?: string; url?: string; headers?: Headers } | undefined;
  const method = (request?.method ?? 'GET').toUpperCase();
  const route =
    typeof invocation.options.trigger.route === 'string'
      ? invocation.options.trigger.route
      : invocation.functionName;
  const path = safePath(request?.url);
  const parent =
    parseTraceparent(invocation.traceContext?.traceParent) ??
    parseTraceparent(request?.headers?.get?.('traceparent'));
  return {
    name: `${method} /api/${route}`,
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': method,
      'http.route': `/api/${route}`,
      ...(path === undefined ? {} : { 'url.path': path }),
    },
    ...(parent === undefined ? {} : { parent }),
  };
}

function endHttp(span: Span, result: unknown): void {
  const status = (result as { status?: unknown } | undefined)?.status;
  const code = typeof status === 'number' ? status : 200;
  span.setAttribute('http.response.status_code', code);
  if (code >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${code}` });
}

/** What a Service Bus trigger knows of its message, whatever its binding. */
interface MessageFacts {
  entity: string;
  messageId?: string;
  deliveryCount?: number;
  enqueuedTimeMs?: number;
  traceparent?: unknown;
  messageType?: unknown;
  sendingFacility?: unknown;
}

function messageStart(telemetry: Telemetry, invocation: InvocationLike, input: unknown): SpanStart {
  const facts = messageFacts(invocation, input);
  const parent =
    parseTraceparent(facts.traceparent) ?? parseTraceparent(invocation.traceContext?.traceParent);
  if (facts.enqueuedTimeMs !== undefined) {
    telemetry.metrics.busLag(Date.now() - facts.enqueuedTimeMs, {
      entity: facts.entity,
      ...(typeof facts.messageType === 'string' ? { messageType: facts.messageType } : {}),
      ...(typeof facts.sendingFacility === 'string'
        ? { sendingFacility: facts.sendingFacility }
        : {}),
    });
  }
  return {
    name: `process ${facts.entity}`,
    kind: SpanKind.CONSUMER,
    attributes: {
      // Application Insights names a consumer's Request only from this attribute.
      'ai.operation.name': `process ${facts.entity}`,
      'messaging.system': 'servicebus',
      'messaging.operation.type': 'process',
      'messaging.destination.name': facts.entity,
      ...(facts.messageId === undefined ? {} : { 'messaging.message.id': facts.messageId }),
      ...(facts.deliveryCount === undefined
        ? {}
        : { 'messaging.servicebus.message.delivery_count': facts.deliveryCount }),
    },
    ...(parent === undefined ? {} : { parent }),
  };
}

function messageFacts(invocation: InvocationLike, input: unknown): MessageFacts {
  const trigger = invocation.options.trigger;
  const entity =
    typeof trigger.queueName === 'string'
      ? trigger.queueName
      : `${String(trigger.topicName)}/subscriptions/${String(trigger.subscriptionName)}`;

  // SDK-type binding: the input carries the received message itself.
  const sdk = input as { messages?: unknown } | undefined;
  const first = Array.isArray(sdk?.messages) ? sdk.messages[0] : sdk?.messages;
  if (isRecord(first) && 'applicationProperties' in first) {
    const props = (first.applicationProperties ?? {}) as Record<string, unknown>;
    const enqueued = first.enqueuedTimeUtc;
    return {
      entity,
      ...(first.messageId === undefined ? {} : { messageId: String(first.messageId) }),
      deliveryCount: Number(first.deliveryCount ?? 0) + 1,
      ...(enqueued instanceof Date ? { enqueuedTimeMs: enqueued.getTime() } : {}),
      traceparent: props.traceparent,
      messageType: props.messageType,
      sendingFacility: props.sendingFacility,
    };
  }

  const meta = invocation.triggerMetadata ?? {};
  const props = (isRecord(meta.applicationProperties) ? meta.applicationProperties : {}) as Record<
    string,
    unknown
  >;
  const enqueued = Date.parse(String(meta.enqueuedTimeUtc ?? ''));
  const deliveryCount = Number(meta.deliveryCount);
  return {
    entity,
    ...(meta.messageId === undefined ? {} : { messageId: String(meta.messageId) }),
    ...(Number.isInteger(deliveryCount) ? { deliveryCount } : {}),
    ...(Number.isNaN(enqueued) ? {} : { enqueuedTimeMs: enqueued }),
    traceparent: props.traceparent,
    messageType: props.messageType,
    sendingFacility: props.sendingFacility,
  };
}

/**
 * Runs `send` inside a producer span named `send <entity>` (a dependency in Application
 * Insights), giving it the `traceparent` to put on the message(s). Outside an app
 * invocation there is no tracer: `send` gets `fallback` and no span is made.
 */
export async function producerSpan<T>(
  entity: string,
  fallback: string | undefined,
  attributes: Attributes,
  send: (traceparent: string | undefined) => Promise<T>,
): Promise<T> {
  const telemetry = currentTelemetry();
  if (telemetry === undefined) return send(fallback);

  // A send with no active span (a message sent outside a request) continues its own trace.
  const remote = trace.getActiveSpan() === undefined ? parseTraceparent(fallback) : undefined;
  const parent =
    remote === undefined ? context.active() : trace.setSpanContext(context.active(), remote);
  const span = telemetry.tracer.startSpan(
    `send ${entity}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'servicebus',
        'messaging.operation.type': 'send',
        'messaging.destination.name': entity,
        ...attributes,
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () =>
      send(formatTraceparent(span.spanContext())),
    );
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Runs `call` inside a client span for a storage dependency (`Azure blob` or `Azure table`,
 * named `<operation> <target>`), marked failed when it throws. Outside an app invocation it
 * runs `call` alone.
 */
export async function dependencySpan<T>(
  type: 'Azure blob' | 'Azure table',
  operation: string,
  target: string,
  call: () => Promise<T>,
): Promise<T> {
  const telemetry = currentTelemetry();
  if (telemetry === undefined || trace.getActiveSpan() === undefined) return call();

  const span = telemetry.tracer.startSpan(`${operation} ${target}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      'az.namespace': type === 'Azure blob' ? 'Microsoft.Storage' : 'Microsoft.Tables',
      'db.system.name': type === 'Azure blob' ? 'azure.blob' : 'azure.table',
      'db.operation.name': operation,
      'db.collection.name': target,
    },
  });
  try {
    return await context.with(trace.setSpan(context.active(), span), call);
  } catch (error) {
    // A miss (404) or a lost race (409) is an answer, not a failed dependency.
    const code = isPlatformError(error) ? error.code : undefined;
    if (code !== 'NOT_FOUND' && code !== 'CONFLICT') failSpan(span, error);
    else span.setAttribute('error.type', code);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks a span failed with the error's code or type, never its message (it may echo input). */
function failSpan(span: Span, error: unknown): void {
  const code =
    isRecord(error) && typeof error.code === 'string'
      ? error.code
      : error instanceof Error
        ? error.name
        : 'Error';
  span.setAttribute('error.type', code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

function safePath(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
