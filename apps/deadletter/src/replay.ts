/**
 * Replaying a parked dead letter. An inbound dead letter goes back on the inbound queue
 * as a new message (a new gateway id, `replayOf` naming the parked one, `replayCount` one
 * higher, so duplicate detection lets it through), optionally with corrected content. A
 * result dead letter is published to the results topic again under a new gateway id.
 *
 * Order matters for "never lose a message": the replay is sent first, and only then is
 * the parked record marked replayed. A failure in between leaves the record parked, to be
 * replayed again; of two operators racing, both send and the second is told 409 (an
 * unchanged replay carries the same duplicate-detection id both times, so the bus drops
 * the second copy).
 */
import {
  currentTelemetry,
  ENVELOPE_VERSION,
  GatewayError,
  inboundHeaderProperties,
  isPlatformError,
  patientSessionId,
  type MessageStatus,
  type ParkedRecord,
} from '@hl7gw/platform';

import type { Deps } from './deps.js';
import { gatewayIdOfParked, readParkedResult } from './parked-result.js';
import { headerFromRecord, readReplayHeader, type ReplayHeader } from './replay-header.js';

/** One replay to make. */
export interface ReplayRequest {
  /** The parked dead letter. */
  record: ParkedRecord;
  /** Corrected HL7 to send instead of the parked content (inbound dead letters only). */
  corrected?: string;
  /** The operator's client id, recorded as the replay's sender. */
  clientId: string;
  /** The operator request's trace context, carried onto the bus. */
  traceparent: string;
}

/** What a replay did. */
export interface ReplayOutcome {
  /** The new gateway id of the replayed message. */
  id: string;
  /** The parked id it replays. */
  replayOf: string;
  /** How many times the message has now been replayed. */
  replayCount: number;
  /** Where it went: back on the inbound queue, or to the results topic. */
  target: 'inbound' | 'results';
  /** The replay's status: `queued` on the inbound queue, `processed` once republished. */
  status: MessageStatus;
}

/**
 * Throws `GatewayError` when `record` may not be replayed: `DUPLICATE_MESSAGE` when it
 * was replayed already, `REPLAY_LIMIT_REACHED` when it has been replayed `maxReplays`
 * times.
 */
export function checkReplayable(record: ParkedRecord, maxReplays: number): void {
  if (record.state === 'replayed') {
    throw new GatewayError(
      'DUPLICATE_MESSAGE',
      `The dead letter was replayed already as ${record.replayedAs ?? 'another message'}`,
    );
  }
  if (record.replayCount >= maxReplays) {
    throw new GatewayError(
      'REPLAY_LIMIT_REACHED',
      `The message has been replayed ${record.replayCount} times, the most allowed`,
    );
  }
}

/**
 * Replays a parked dead letter. Throws `GatewayError` for a refusal (see
 * `checkReplayable`; `NOT_FOUND` when its content is gone; `NOT_HL7`, `PARSE_ERROR` or
 * `VALIDATION_FAILED` for an unreadable correction; `BAD_REQUEST` for a correction of a
 * result), and `PlatformError` when the bus or storage fails.
 */
export async function replay(deps: Deps, request: ReplayRequest): Promise<ReplayOutcome> {
  checkReplayable(request.record, deps.settings.maxReplays);
  const { inboundQueue, resultsTopic } = deps.config.entities;
  const source = request.record.sourceEntity;

  if (source === inboundQueue) return replayInbound(deps, request);
  if (source.startsWith(`${resultsTopic}/subscriptions/`)) return republishResult(deps, request);
  throw new GatewayError(
    'BAD_REQUEST',
    'The dead letter came from an entity that cannot be replayed to',
  );
}

async function replayInbound(deps: Deps, request: ReplayRequest): Promise<ReplayOutcome> {
  const { record, clientId } = request;
  const raw = request.corrected ?? (await parkedContent(deps, record.id));
  const header =
    request.corrected === undefined
      ? (readableHeader(raw, deps.config.maxMessageBytes) ?? headerFromRecord(record))
      : readReplayHeader(raw, deps.config.maxMessageBytes);

  const id = deps.ids();
  const replayCount = record.replayCount + 1;
  await deps.statuses.create(
    id,
    {
      messageType: header.messageType,
      sendingFacility: header.sendingFacility,
      controlId: header.controlId,
      clientId,
    },
    `replay ${replayCount} of ${record.id}`,
  );

  try {
    await deps.bus.sendInbound({
      envelope: {
        v: ENVELOPE_VERSION,
        id,
        receivedAt: deps.clock.now().toISOString(),
        source: { clientId, channel: 'replay' },
        raw,
      },
      properties: {
        ...inboundHeaderProperties(header),
        traceparent: request.traceparent,
        replayOf: record.id,
        replayCount,
      },
      sessionId: patientSessionId(header.patient, {
        hashKey: deps.config.sessionHashKey,
        fallback: id,
      }),
    });
  } catch (error) {
    // The replay's record must not claim a message the bus never took.
    await deps.statuses.transition(id, 'rejected', 'DEPENDENCY_UNAVAILABLE').catch(() => undefined);
    throw error;
  }
  await deps.statuses.transition(id, 'queued');

  await settle(deps, record, id, record.id);
  countReplay(record, 'inbound', request.corrected !== undefined);
  return { id, replayOf: record.id, replayCount, target: 'inbound', status: 'queued' };
}

async function republishResult(deps: Deps, request: ReplayRequest): Promise<ReplayOutcome> {
  const { record, clientId } = request;
  if (request.corrected !== undefined) {
    throw new GatewayError(
      'BAD_REQUEST',
      'A result dead letter is replayed as it was parked; correct the source message instead',
    );
  }

  const id = deps.ids();
  const replayCount = record.replayCount + 1;
  const result = readParkedResult(await parkedContent(deps, record.id), id);
  await deps.statuses.create(
    id,
    {
      messageType: record.messageType,
      sendingFacility: record.sendingFacility,
      controlId: record.controlId,
      clientId,
    },
    `replay ${replayCount} of ${record.id}`,
  );

  // A new gateway id is a new bus messageId, so the topic's duplicate detection lets it in.
  // The copy is addressed to the subscription it was dead-lettered on (deliveryRetryFor):
  // the other subscriptions took the result the first time and must not see it twice.
  const subscription = record.sourceEntity.slice(
    `${deps.config.entities.resultsTopic}/subscriptions/`.length,
  );
  await deps.bus.publishResult({
    ...result,
    traceparent: result.traceparent ?? request.traceparent,
    retryFor: subscription,
  });
  await deps.statuses.transition(id, 'processed', 'republished');

  await settle(deps, record, id, gatewayIdOfParked(record.id));
  countReplay(record, 'results', false);
  return { id, replayOf: record.id, replayCount, target: 'results', status: 'processed' };
}

/** Marks the parked record replayed and the original message's status `replayed`. */
async function settle(
  deps: Deps,
  record: ParkedRecord,
  replayId: string,
  originalId: string,
): Promise<void> {
  try {
    await deps.parked.markReplayed(record.id, replayId, deps.clock.now());
  } catch (error) {
    if (isPlatformError(error) && error.code === 'CONFLICT') {
      throw new GatewayError(
        'DUPLICATE_MESSAGE',
        'The dead letter was replayed meanwhile by another request',
        { cause: error },
      );
    }
    throw error;
  }

  try {
    await deps.statuses.transition(originalId, 'replayed', replayId);
  } catch (error) {
    // A dead letter from outside the gateway has no status record to move.
    const absent =
      isPlatformError(error) && (error.code === 'NOT_FOUND' || error.code === 'INVALID_TRANSITION');
    if (!absent) throw error;
  }
}

/** Counts one replay: its category, and `outcome` `replayed` or `corrected`. */
function countReplay(record: ParkedRecord, target: string, corrected: boolean): void {
  currentTelemetry()?.metrics.replayed({
    category: record.category,
    code: record.reason,
    messageType: record.messageType,
    sendingFacility: record.sendingFacility,
    outcome: corrected ? 'corrected' : 'replayed',
    entity: target,
  });
}

async function parkedContent(deps: Deps, id: string): Promise<string> {
  try {
    return (await deps.blobs.getParked(id)).toString('utf8');
  } catch (error) {
    if (isPlatformError(error) && error.code === 'NOT_FOUND') {
      throw new GatewayError('NOT_FOUND', 'The parked content of this dead letter is gone', {
        cause: error,
      });
    }
    throw error;
  }
}

/** The header of parked content, or undefined when it cannot be read (a `parse` dead letter). */
function readableHeader(raw: string, maxMessageBytes: number): ReplayHeader | undefined {
  try {
    return readReplayHeader(raw, maxMessageBytes);
  } catch {
    return undefined;
  }
}
