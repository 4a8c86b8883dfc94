/**
 * Parking a dead letter: classify it, keep its content in blob storage, write its parked
 * record, move its status to `dead-lettered` and count it. Every step is idempotent, so
 * a dead letter delivered twice (the trigger's lock lost, a retry after a storage
 * failure) is parked once.
 */
import {
  childFor,
  currentTelemetry,
  isPlatformError,
  parkedBlobName,
  type ParkedRecord,
} from '@hl7gw/platform';

import { classify } from './classify.js';
import type { Deps } from './deps.js';

/** What is known of a dead letter before it is parked. */
export interface DeadLetterFacts {
  /** The parked id: the gateway id, with the subscription for a result dead letter. */
  parkedId: string;
  /** The gateway id whose status record follows the message, when it has one. */
  gatewayId?: string;
  /** `hl7-inbound` or `hl7-results/subscriptions/<name>`. */
  sourceEntity: string;
  /** The dead-letter reason as the bus reported it. */
  reason?: string;
  /** The dead-letter description as the bus reported it. */
  description?: string;
  /** MSH-9. */
  messageType: string;
  /** MSH-3. */
  sendingApplication: string;
  /** MSH-4. */
  sendingFacility: string;
  /** MSH-10. */
  controlId: string;
  /** Deliveries on the source entity. */
  deliveryCount: number;
  /** Replays before this failure. */
  replayCount: number;
  /** The bus message id, for the log. */
  busMessageId?: string;
  /** The trace context, for the log. */
  traceparent?: string;
}

/**
 * Parks a dead letter with its content (undefined when the content is lost, such as a
 * claim check already deleted). Returns the parked record (the earlier one when it was
 * parked already). Throws `PlatformError` when storage fails, so the trigger abandons the
 * message and the bus delivers it again.
 */
export async function park(
  deps: Deps,
  facts: DeadLetterFacts,
  content: string | undefined,
): Promise<ParkedRecord> {
  const { category, code, description } = classify(facts.reason, facts.description);
  const log = childFor(deps.logger, {
    gatewayId: facts.gatewayId,
    controlId: facts.controlId,
    busMessageId: facts.busMessageId,
    traceId: traceIdOf(facts.traceparent),
  });

  if (content === undefined) {
    log.warn({ parkedId: facts.parkedId }, 'dead letter parked without its content, which is gone');
  } else {
    await deps.blobs.putParked(facts.parkedId, content);
  }

  const now = deps.clock.now().toISOString();
  const record: ParkedRecord = {
    id: facts.parkedId,
    category,
    reason: code,
    ...(description === undefined ? {} : { description }),
    sourceEntity: facts.sourceEntity,
    messageType: facts.messageType,
    sendingApplication: facts.sendingApplication,
    sendingFacility: facts.sendingFacility,
    controlId: facts.controlId,
    // The bus keeps no dead-lettering time; the trigger runs moments after it.
    deadLetteredAt: now,
    parkedAt: now,
    deliveryCount: facts.deliveryCount,
    replayCount: facts.replayCount,
    blobName: parkedBlobName(facts.parkedId),
    state: 'parked',
  };
  const parked = await deps.parked.park(record);

  if (facts.gatewayId !== undefined) await markDeadLettered(deps, facts.gatewayId, code, log);

  currentTelemetry()?.metrics.deadLettered({
    category,
    code,
    messageType: facts.messageType,
    sendingFacility: facts.sendingFacility,
  });
  log.info(
    {
      parkedId: parked.id,
      category,
      code,
      sourceEntity: facts.sourceEntity,
      messageType: facts.messageType,
      sendingFacility: facts.sendingFacility,
    },
    'dead letter parked',
  );
  return parked;
}

async function markDeadLettered(
  deps: Deps,
  gatewayId: string,
  code: string,
  log: Deps['logger'],
): Promise<void> {
  const current = await deps.statuses.get(gatewayId);
  if (current === undefined) {
    log.warn('dead letter has no status record');
    return;
  }
  // A redelivered dead letter, or the second subscription to dead-letter one result.
  if (current.status === 'dead-lettered' || current.status === 'replayed') return;

  try {
    await deps.statuses.transition(gatewayId, 'dead-lettered', code);
  } catch (error) {
    if (!isPlatformError(error) || error.code !== 'INVALID_TRANSITION') throw error;
    log.warn({ status: current.status }, 'status cannot move to dead-lettered');
  }
}

/** The trace id of a W3C `traceparent`, or undefined. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent?.split('-')[1];
}
