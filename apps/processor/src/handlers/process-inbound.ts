/**
 * The `hl7-inbound` trigger: load the raw message, parse, validate with the sender's
 * profile, map to the result document, publish it to `hl7-results` with its filter
 * properties, mark the status `processed`, and complete the message.
 *
 * Settlement is the handler's own (SDK-type binding): a permanent failure is dead-lettered
 * at once with its gateway code as reason and a description of codes and a location only;
 * a transient one is thrown, so the host abandons the message and the bus delivers it
 * again, dead-lettering it after `maxDeliveryCount`. A redelivery never publishes twice: a
 * message already `processed` is completed unpublished, and the result's `messageId` is
 * the gateway id, so the topic's duplicate detection drops a second publish that a crash
 * between publishing and recording the status would cause.
 */
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { profileFor, toResult, validate } from '@hl7gw/hl7-core';
import {
  childFor,
  currentTelemetry,
  decodeInbound,
  GATEWAY_ERRORS,
  type Bus,
  type MetricAttributes,
  type ReceivedInbound,
  type StatusStore,
} from '@hl7gw/platform';

import type { Deps } from '../deps.js';
import { permanentFailure, rejection, type PermanentFailure } from '../failure.js';
import { parseWithinLimits } from '../limits.js';
import { recordStatus } from '../record-status.js';
import { resultProperties } from '../result-properties.js';
import {
  eachMessage,
  type ServiceBusMessageActions,
  type ServiceBusTriggerHandler,
} from '../settlement.js';

/** What the handler uses of `Deps`. */
export type ProcessInboundDeps = Pick<Deps, 'settings' | 'clock' | 'logger'> & {
  bus: Pick<Bus, 'readRaw' | 'publishResult'>;
  statuses: Pick<StatusStore, 'get' | 'transition'>;
};

/** The `hl7-inbound` trigger handler. */
export type ProcessInbound = ServiceBusTriggerHandler;

/** The only message type the processor maps today. */
const SUPPORTED_TYPE = 'ORU^R01';

/** What became of a message that did not fail. */
type Outcome = 'published' | 'already-processed';

/** Builds the `hl7-inbound` trigger handler. */
export function createProcessInbound(deps: ProcessInboundDeps): ProcessInbound {
  return eachMessage((actions, message) => processMessage(deps, actions, message));
}

async function processMessage(
  deps: ProcessInboundDeps,
  actions: ServiceBusMessageActions,
  message: ServiceBusReceivedMessage,
): Promise<void> {
  const startedMs = deps.clock.now().getTime();

  let inbound: ReceivedInbound;
  try {
    inbound = decodeInbound(message);
  } catch (error) {
    const failure = permanentFailure(error);
    if (failure === undefined) throw error;
    // Without an envelope there is no gateway id, so no status record to update.
    const log = childFor(deps.logger, { busMessageId: String(message.messageId ?? '') });
    await actions.deadletter(message, undefined, failure.code, failure.description);
    logDeadLettered(log, failure, undefined);
    recordDuration(deps, startedMs, { outcome: 'dead-lettered', ...codeOf(failure) });
    return;
  }

  const { envelope, properties } = inbound;
  const log = childFor(deps.logger, {
    gatewayId: envelope.id,
    controlId: properties.controlId,
    busMessageId: inbound.messageId,
    traceId: properties.traceparent.split('-')[1],
  });
  const header = {
    messageType: properties.messageType,
    sendingFacility: properties.sendingFacility,
  };
  const facts = {
    messageType: properties.messageType,
    sendingFacility: properties.sendingFacility,
    deliveryCount: inbound.deliveryCount + 1,
  };

  let outcome: Outcome;
  try {
    outcome = await publishResult(deps, inbound, log);
  } catch (error) {
    const failure = permanentFailure(error);
    if (failure === undefined) {
      log.error({ ...facts, outcome: 'retry', err: error }, 'processing failed; the bus retries');
      recordDuration(deps, startedMs, { ...header, outcome: 'retry' });
      throw error;
    }
    await recordStatus(deps.statuses, envelope.id, 'dead-lettered', {
      detail: failure.code,
      waitMs: deps.settings.statusWaitMs,
      log,
    });
    await actions.deadletter(message, undefined, failure.code, failure.description);
    logDeadLettered(log, failure, facts);
    recordDuration(deps, startedMs, { ...header, outcome: 'dead-lettered', ...codeOf(failure) });
    return;
  }

  await actions.complete(message);

  const nowMs = deps.clock.now().getTime();
  const metrics = currentTelemetry()?.metrics;
  const published = outcome === 'published' ? 'published' : 'duplicate';
  metrics?.processed({ ...header, outcome: published });
  metrics?.processingDuration(nowMs - startedMs, { ...header, outcome: published });
  if (outcome === 'published') {
    metrics?.endToEndDuration(nowMs - Date.parse(envelope.receivedAt), header);
  }
  if (outcome === 'already-processed') {
    log.info({ ...facts, outcome: 'duplicate' }, 'already processed; completed without publishing');
    return;
  }
  log.info(
    {
      ...facts,
      outcome: 'processed',
      processingMs: nowMs - startedMs,
      endToEndMs: nowMs - Date.parse(envelope.receivedAt),
    },
    'result published',
  );
}

/**
 * Runs the pipeline for one inbound message up to the `processed` status.
 * @throws what `permanentFailure` classifies: hl7-core errors, gateway rejections, and
 *   platform errors (transient ones included).
 */
async function publishResult(
  deps: ProcessInboundDeps,
  inbound: ReceivedInbound,
  log: Deps['logger'],
): Promise<Outcome> {
  const { envelope, properties } = inbound;
  const record = await deps.statuses.get(envelope.id);
  if (record?.status === 'processed' || record?.status === 'delivered') {
    return 'already-processed';
  }

  const raw = await deps.bus.readRaw(envelope);
  const message = parseWithinLimits(raw, deps.settings.limits);
  if (message.messageType !== SUPPORTED_TYPE) {
    throw rejection('UNSUPPORTED_MESSAGE_TYPE', 'UNSUPPORTED_MESSAGE_TYPE', 'MSH-9');
  }

  const profile = profileFor(message.header.value(4, 1, 1), deps.settings.senderProfiles);
  const validation = validate(message, { profile });
  const firstError = validation.issues.find((issue) => issue.severity === 'error');
  if (firstError !== undefined) {
    throw rejection('VALIDATION_FAILED', firstError.code, firstError.location);
  }

  const document = toResult(message, { gatewayMessageId: envelope.id });
  await deps.bus.publishResult({
    gatewayId: envelope.id,
    document,
    properties: resultProperties(message, document, properties.sendingFacility),
    traceparent: properties.traceparent,
    sessionId: inbound.sessionId,
  });

  // The record read above is handed on, so the step costs one write rather than a read and
  // a write; if ingest's `queued` landed in between, the write loses on its etag and retries.
  await recordStatus(deps.statuses, envelope.id, 'processed', {
    waitMs: deps.settings.statusWaitMs,
    log,
    ...(record === undefined ? {} : { current: record }),
  });
  return 'published';
}

/** The processor's time on a message that did not publish (dead-lettered or retried). */
function recordDuration(
  deps: ProcessInboundDeps,
  startedMs: number,
  attributes: MetricAttributes,
): void {
  const elapsedMs = deps.clock.now().getTime() - startedMs;
  currentTelemetry()?.metrics.processingDuration(elapsedMs, attributes);
}

function codeOf(failure: PermanentFailure): MetricAttributes {
  return { code: failure.code, category: GATEWAY_ERRORS[failure.code].category };
}

function logDeadLettered(
  log: Deps['logger'],
  failure: PermanentFailure,
  facts: Record<string, unknown> | undefined,
): void {
  log.warn(
    {
      ...facts,
      outcome: 'dead-lettered',
      code: failure.code,
      category: GATEWAY_ERRORS[failure.code].category,
      location: failure.location,
    },
    'dead-lettered: permanent failure',
  );
}
