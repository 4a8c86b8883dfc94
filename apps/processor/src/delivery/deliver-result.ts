/**
 * The trigger of one destination's `hl7-results` subscription: one delivery attempt per
 * result, then the result's fate.
 *
 * - Delivered: status step `delivered` with the destination's name, message completed.
 * - Permanent failure: status step `dead-lettered`, message dead-lettered at once with
 *   reason `DELIVERY_REJECTED` (category `delivery`) and a description of codes only.
 * - Transient failure: a copy is scheduled on the topic for this subscription alone
 *   (`deliveryRetryFor`), after an exponential backoff with jitter, and the original is
 *   completed; after `maxAttempts` it is dead-lettered with `DELIVERY_UNAVAILABLE`.
 * - Circuit open: the result is rescheduled for when the circuit half-opens, without
 *   calling the destination and without counting an attempt.
 *
 * A result already delivered to this destination (a copy scheduled twice, a redelivery
 * after a crash between sending and completing) is completed without sending: the status
 * history says so. Storage or bus failures here are thrown, so the host abandons the message
 * and the bus delivers it again; the destination's idempotency key covers the rare resend.
 */
import type { ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';
import {
  childFor,
  currentTelemetry,
  decodeResult,
  encodeResult,
  GATEWAY_ERRORS,
  gatewayIdTime,
  isPlatformError,
  rawBlobName,
  type BlobStore,
  type GatewayErrorCode,
  type ReceivedResult,
  type StatusRecord,
  type StatusStore,
} from '@hl7gw/platform';

import type { AppLogger, Deps } from '../deps.js';
import { recordStatus } from '../record-status.js';
import {
  eachMessage,
  type ServiceBusMessageActions,
  type ServiceBusTriggerHandler,
} from '../settlement.js';
import type { AllowList } from './allow-list.js';
import { retryDelayMs } from './backoff.js';
import type { CircuitBreaker } from './breaker.js';
import type { Connector } from './connector.js';
import { ATTEMPT_PROPERTY, RETRY_FOR_PROPERTY, type Destination } from './destinations.js';
import type { DeliveryOutcome } from './outcome.js';

/** Schedules a message on the results topic (a `ServiceBusSender` does). */
export interface ResultScheduler {
  /** Enqueues `message` at `at`. */
  scheduleMessages(message: ServiceBusMessage, at: Date): Promise<unknown>;
}

/** What a destination's trigger needs. */
export interface DeliverResultDeps extends Pick<Deps, 'clock' | 'logger'> {
  /** The destination served. */
  destination: Destination;
  /** Its connector. */
  connector: Connector;
  /** Its circuit breaker (one per destination per process). */
  breaker: CircuitBreaker;
  /** The SSRF guard. */
  allowList: AllowList;
  /** Status records: read for idempotency, written with each outcome. */
  statuses: Pick<StatusStore, 'get' | 'transition'>;
  /** The raw archive, for MLLP destinations that get the original message. */
  blobs: Pick<BlobStore, 'get'>;
  /** Schedules retry copies on the results topic. */
  scheduler: ResultScheduler;
  /** How long to wait for a status record that is not there yet. */
  statusWaitMs: number;
  /** A number in [0, 1) for jitter; `Math.random` by default. */
  random?: () => number;
}

/** A destination trigger's handler. */
export type DeliverResult = ServiceBusTriggerHandler;

/** Builds the trigger handler of one destination. */
export function createDeliverResult(deps: DeliverResultDeps): DeliverResult {
  return eachMessage((actions, message) => deliverMessage(deps, actions, message));
}

async function deliverMessage(
  deps: DeliverResultDeps,
  actions: ServiceBusMessageActions,
  message: ServiceBusReceivedMessage,
): Promise<void> {
  const { destination } = deps;
  const attempt = attemptOf(message);

  let result: ReceivedResult;
  try {
    result = decodeResult(message);
  } catch (error) {
    if (!isPlatformError(error)) throw error;
    const log = childFor(deps.logger, { busMessageId: String(message.messageId ?? '') });
    const description = describe('DELIVERY_REJECTED', error.code, destination.name);
    await actions.deadletter(message, undefined, 'DELIVERY_REJECTED', description);
    logOutcome(log, deps, 'dead-lettered', { code: 'DELIVERY_REJECTED', reason: error.code });
    return;
  }

  const log = childFor(deps.logger, {
    gatewayId: result.gatewayId,
    busMessageId: String(message.messageId ?? ''),
    traceId: result.traceparent?.split('-')[1],
  });
  const record = await deps.statuses.get(result.gatewayId);
  if (alreadyDelivered(record, destination.name)) {
    await actions.complete(message);
    logOutcome(log, deps, 'duplicate', { attempt });
    return;
  }

  const nowMs = deps.clock.now().getTime();
  const decision = deps.breaker.request(nowMs);
  if (!decision.allowed) {
    // Spread the wait so a backlog does not hit the half-open destination all at once.
    const jitterMs = Math.round((deps.random ?? Math.random)() * 1_000);
    await schedule(deps, result, attempt, decision.retryAtMs + jitterMs);
    await actions.complete(message);
    logOutcome(log, deps, 'circuit-open', { attempt });
    return;
  }

  const startedMs = nowMs;
  const outcome = await deps.connector(result, {
    destination,
    allowList: deps.allowList,
    nowMs: () => deps.clock.now().getTime(),
    loadRaw: () => loadRaw(deps.blobs, result.gatewayId, record),
  });
  const durationMs = deps.clock.now().getTime() - startedMs;
  await settle(
    deps,
    actions,
    message,
    result,
    { outcome, attempt, trial: decision.trial },
    log,
    durationMs,
  );
}

async function settle(
  deps: DeliverResultDeps,
  actions: ServiceBusMessageActions,
  message: ServiceBusReceivedMessage,
  result: ReceivedResult,
  attemptInfo: { outcome: DeliveryOutcome; attempt: number; trial: boolean },
  log: AppLogger,
  durationMs: number,
): Promise<void> {
  const { destination } = deps;
  const { outcome, attempt, trial } = attemptInfo;
  const facts = { attempt, reason: outcome.reason, durationMs };

  if (outcome.outcome === 'delivered') {
    deps.breaker.success();
    await actions.complete(message);
    await recordQuietly(deps, result.gatewayId, 'delivered', destination.name, log);
    logOutcome(log, deps, 'delivered', facts);
    return;
  }

  if (outcome.outcome === 'permanent') {
    // The destination answered: it is up, whatever it thought of this result.
    if (outcome.reason.startsWith('HTTP_') || outcome.reason.startsWith('ACK_')) {
      deps.breaker.success();
    } else if (trial) {
      deps.breaker.failure(deps.clock.now().getTime(), true);
    }
    await deadLetter(deps, actions, message, result, 'DELIVERY_REJECTED', outcome.reason, log);
    logOutcome(log, deps, 'dead-lettered', { ...facts, code: 'DELIVERY_REJECTED' });
    return;
  }

  const nowMs = deps.clock.now().getTime();
  const opened = deps.breaker.failure(nowMs, trial);
  if (attempt >= destination.maxAttempts) {
    await deadLetter(deps, actions, message, result, 'DELIVERY_UNAVAILABLE', outcome.reason, log);
    logOutcome(log, deps, 'dead-lettered', { ...facts, code: 'DELIVERY_UNAVAILABLE', opened });
    return;
  }

  const delayMs = retryDelayMs(attempt, destination, deps.random);
  await schedule(deps, result, attempt + 1, nowMs + delayMs);
  await actions.complete(message);
  logOutcome(log, deps, 'retry', { ...facts, delayMs, opened });
}

async function deadLetter(
  deps: DeliverResultDeps,
  actions: ServiceBusMessageActions,
  message: ServiceBusReceivedMessage,
  result: ReceivedResult,
  code: GatewayErrorCode,
  reason: string,
  log: AppLogger,
): Promise<void> {
  const { name } = deps.destination;
  await recordQuietly(deps, result.gatewayId, 'dead-lettered', `${code}:${name}`, log);
  await actions.deadletter(message, undefined, code, describe(code, reason, name));
}

/** `CODE (REASON) to DESTINATION`: codes and a configured name only. */
function describe(code: GatewayErrorCode, reason: string, destination: string): string {
  return `${code} (${reason}) to ${destination}`;
}

/** Publishes a copy of `result` addressed to this destination's subscription, due at `atMs`. */
async function schedule(
  deps: DeliverResultDeps,
  result: ReceivedResult,
  attempt: number,
  atMs: number,
): Promise<void> {
  const encoded = encodeResult({
    gatewayId: result.gatewayId,
    document: result.document,
    properties: result.properties,
    ...(result.traceparent === undefined ? {} : { traceparent: result.traceparent }),
    ...(result.sessionId === undefined ? {} : { sessionId: result.sessionId }),
  });
  const copy: ServiceBusMessage = {
    ...encoded,
    // Unique per copy: the topic's duplicate detection would drop a second copy of the id.
    messageId: `${result.gatewayId}-${deps.destination.name}-${attempt}-${atMs}`,
    applicationProperties: {
      ...encoded.applicationProperties,
      [RETRY_FOR_PROPERTY]: deps.destination.subscription,
      [ATTEMPT_PROPERTY]: attempt,
    },
  };
  await deps.scheduler.scheduleMessages(copy, new Date(atMs));
}

function attemptOf(message: ServiceBusReceivedMessage): number {
  const value = Number(message.applicationProperties?.[ATTEMPT_PROPERTY] ?? 1);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}

function alreadyDelivered(record: StatusRecord | undefined, destination: string): boolean {
  return (record?.history ?? []).some(
    (step) => step.status === 'delivered' && step.detail === destination,
  );
}

/**
 * The archived original (`raw/YYYY/MM/DD/<id>.hl7`). Its date is the receipt's, which the
 * gateway id's time and the status record's creation bracket, so both dates are tried.
 */
async function loadRaw(
  blobs: Pick<BlobStore, 'get'>,
  id: string,
  record: StatusRecord | undefined,
): Promise<string | undefined> {
  const dates = [gatewayIdTime(id)];
  if (record !== undefined) dates.push(new Date(record.createdAt));
  const names = [...new Set(dates.map((date) => rawBlobName(id, date)))];
  for (const name of names) {
    try {
      return (await blobs.get(name)).toString('utf8');
    } catch (error) {
      if (!(isPlatformError(error) && error.code === 'NOT_FOUND')) throw error;
    }
  }
  return undefined;
}

/**
 * Records a status step without failing the delivery: the result has reached (or been
 * refused by) the destination, and retrying it for the sake of bookkeeping would send twice.
 */
async function recordQuietly(
  deps: DeliverResultDeps,
  id: string,
  status: 'delivered' | 'dead-lettered',
  detail: string,
  log: AppLogger,
): Promise<void> {
  try {
    await recordStatus(deps.statuses, id, status, { detail, waitMs: deps.statusWaitMs, log });
  } catch (error) {
    log.error({ status, err: error }, 'delivery status not recorded');
  }
}

function logOutcome(
  log: AppLogger,
  deps: DeliverResultDeps,
  outcome: 'delivered' | 'dead-lettered' | 'retry' | 'circuit-open' | 'duplicate',
  facts: Record<string, unknown>,
): void {
  const level = outcome === 'dead-lettered' ? 'warn' : 'info';
  const code = typeof facts.code === 'string' ? (facts.code as GatewayErrorCode) : undefined;
  currentTelemetry()?.metrics.delivered({
    outcome,
    destination: deps.destination.name,
    ...(code === undefined ? {} : { code, category: GATEWAY_ERRORS[code].category }),
  });
  log[level](
    {
      ...facts,
      destination: deps.destination.name,
      destinationKind: deps.destination.kind,
      outcome,
      ...(code === undefined ? {} : { category: GATEWAY_ERRORS[code].category }),
    },
    `delivery ${outcome}`,
  );
}
