/**
 * `POST /api/v1/batches`: an FHS/BHS batch file or messages written one after another.
 * Each member is read (lazily, by `parseBatch`) and enqueued or rejected on its own, and
 * answered by its position; with `?atomic=true` one rejected member rejects the whole
 * batch and nothing is enqueued. The raw batch is archived whole and a batch record lists
 * the accepted members' ids, so the batch can be answered and audited as a unit.
 */
import type { HttpRequest } from '@azure/functions';
import { isHl7ParseError, parseBatch, type BatchMember, type Hl7Batch } from '@hl7gw/hl7-core';
import {
  currentTelemetry,
  GATEWAY_ERRORS,
  GatewayError,
  inboundMessageId,
  readBody,
  requireFacility,
  type GatewayErrorCode,
  type Principal,
  type RequestLimits,
} from '@hl7gw/platform';

import type { Deps } from '../deps.js';
import { enqueueMany, type Enqueued, type Submission } from '../enqueue.js';
import { headerOf, requireRoutingFields } from '../header.js';
import { authenticate, handled, type RequestHandler } from '../http/edge.js';
import { toGatewayError } from '../http/errors.js';
import { HL7_MEDIA_TYPE, mediaTypeOf, TEXT_MEDIA_TYPE } from '../http/media.js';
import { jsonResponse, problemResponse } from '../http/respond.js';
import { countReceived } from '../metrics.js';

/** An accepted member. */
export interface AcceptedMember {
  /** Where it sits in the batch, from 1. */
  position: number;
  /** Its MSH-10. */
  controlId: string;
  /** Its gateway id (the first submission's, for a duplicate). */
  id: string;
  /** Present and true when the same message was already queued by an earlier submission. */
  duplicate?: true;
}

/** A rejected member. */
export interface RejectedMember {
  /** Where it sits in the batch, from 1. */
  position: number;
  /** Its MSH-10, when readable; `''` otherwise. */
  controlId: string;
  /** Why, as a gateway error code. */
  code: GatewayErrorCode;
  /** A sentence naming the rule and location, never field contents. */
  detail: string;
  /** Where in the member, when known. */
  location?: string;
}

/** The answer to a batch submission. */
export interface SubmitBatchAnswer {
  /** The batch's gateway id. */
  batchId: string;
  /** Where the batch's status can be read. */
  statusUrl: string;
  /** The members enqueued, in batch order. */
  accepted: AcceptedMember[];
  /** The members refused, in batch order. */
  rejected: RejectedMember[];
}

const BATCH_MEDIA_TYPES = [HL7_MEDIA_TYPE, TEXT_MEDIA_TYPE];

/** The path of a batch's status. */
export function batchStatusUrl(batchId: string): string {
  return `/api/v1/batches/${batchId}`;
}

/**
 * Builds the handler. Answers `202` with `SubmitBatchAnswer`; `400` `NOT_HL7` or
 * `BATCH_INVALID` when the batch structure cannot be read; `422` `BATCH_REJECTED` (with the
 * `rejected` list) for an atomic batch with a rejected member; `401`, `413`, `415`; `503`
 * with `Retry-After` when a dependency is down, after which resubmitting the whole batch
 * is safe (members already queued are answered as duplicates).
 */
export function createSubmitBatch(deps: Deps): RequestHandler {
  return handled(deps, 'submitBatch', async (request, _context, { trace, log }) => {
    const client = authenticate(deps, request);
    if (!BATCH_MEDIA_TYPES.includes(mediaTypeOf(request))) {
      const detail = `Send the batch as ${BATCH_MEDIA_TYPES.join(' or ')}`;
      throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', detail);
    }
    const body = await readBody(request, deps.settings.maxBatchBytes);
    const batch = readBatch(body, deps.config.maxMessageBytes, deps.security.settings.limits);

    const batchId = deps.ids();
    const { submissions, rejected } = sortMembers(
      batch,
      { clientId: client.clientId, traceparent: trace.traceparent, batchId },
      client.principal,
    );
    countBatch(batch.members.length, submissions, rejected);
    if (isAtomic(request) && rejected.length > 0) {
      const error = new GatewayError(
        'BATCH_REJECTED',
        `${rejected.length} of ${batch.members.length} members are rejected; nothing was enqueued`,
      );
      log.info({ code: error.code, rejected: rejected.length }, 'atomic batch refused');
      return problemResponse(error, {
        traceId: trace.traceId,
        retryAfterSeconds: deps.settings.retryAfterSeconds,
        extensions: { rejected },
      });
    }

    const receivedAt = deps.clock.now();
    await deps.blobs.putRaw(batchId, receivedAt, body);
    const enqueued = await enqueueMany(
      deps,
      submissions.map(({ submission }) => submission),
    );
    await deps.batches.create({
      batchId,
      receivedAt: receivedAt.toISOString(),
      clientId: client.clientId,
      memberIds: enqueued.map(({ id }) => id),
    });

    const accepted = submissions.map(({ position, submission }, index) =>
      acceptedMember(position, submission, enqueued[index] as Enqueued),
    );
    submissions.forEach(({ submission }, index) =>
      countReceived(submission.header, enqueued[index] as Enqueued),
    );
    log
      .child({ batchId })
      .info({ accepted: accepted.length, rejected: rejected.length }, 'batch queued');
    const answer: SubmitBatchAnswer = {
      batchId,
      statusUrl: batchStatusUrl(batchId),
      accepted,
      rejected,
    };
    return jsonResponse(202, answer, { location: answer.statusUrl });
  });
}

/**
 * Reads the batch structure; members are parsed on their own and may fail alone.
 * @throws GatewayError `NOT_HL7` for input that is no HL7 at all, `BATCH_INVALID` for a
 *   broken structure, `PAYLOAD_TOO_LARGE` for more members than `HL7GW_MAX_BATCH_MEMBERS`.
 */
function readBatch(
  body: Uint8Array,
  maxMessageBytes: number,
  limits: Pick<RequestLimits, 'maxBatchMembers'>,
): Hl7Batch {
  try {
    return parseBatch(body, { maxLength: maxMessageBytes, maxMembers: limits.maxBatchMembers });
  } catch (thrown) {
    const error = toGatewayError(thrown);
    if (isHl7ParseError(thrown) && error.code === 'PARSE_ERROR') {
      throw new GatewayError('BATCH_INVALID', thrown.message, {
        cause: thrown,
        ...(thrown.location === undefined ? {} : { location: thrown.location }),
      });
    }
    throw error;
  }
}

/** Records the batch size and each refused member (a refusal is counted once, here). */
function countBatch(
  size: number,
  submissions: { submission: Submission }[],
  rejected: RejectedMember[],
): void {
  const metrics = currentTelemetry()?.metrics;
  const facility = submissions[0]?.submission.header.sendingFacility;
  metrics?.batchSize(size, {
    outcome: rejected.length === 0 ? 'accepted' : 'partial',
    ...(facility === undefined ? {} : { sendingFacility: facility }),
  });
  for (const member of rejected) {
    const code = member.code as GatewayErrorCode;
    metrics?.rejected({ code, category: GATEWAY_ERRORS[code]?.category ?? 'unknown' });
  }
}

/**
 * Splits members into submissions and rejections, in batch order; a member for a sending
 * facility (MSH-4) the caller does not own is rejected with `FACILITY_NOT_ALLOWED`.
 */
function sortMembers(
  batch: Hl7Batch,
  context: Pick<Submission, 'clientId' | 'traceparent' | 'batchId'>,
  principal: Principal,
): { submissions: { position: number; submission: Submission }[]; rejected: RejectedMember[] } {
  const submissions: { position: number; submission: Submission }[] = [];
  const rejected: RejectedMember[] = [];
  const positionOf = new Map<string, number>();

  for (const member of batch.members) {
    try {
      const submission = toSubmission(member, context);
      requireFacility(principal, submission.header.sendingFacility);
      const identity = inboundMessageId(submission.header);
      const first = positionOf.get(identity);
      if (first !== undefined) {
        const detail = `The member repeats MSH-3, MSH-4 and MSH-10 of position ${first}`;
        throw new GatewayError('DUPLICATE_MESSAGE', detail, { location: 'MSH-10' });
      }
      positionOf.set(identity, member.position);
      submissions.push({ position: member.position, submission });
    } catch (thrown) {
      const error = toGatewayError(thrown);
      rejected.push({
        position: member.position,
        controlId: member.controlId,
        code: error.code,
        detail: error.message,
        ...(error.location === undefined ? {} : { location: error.location }),
      });
    }
  }
  return { submissions, rejected };
}

/**
 * A member as a submission.
 * @throws the member's parse error, or GatewayError `VALIDATION_FAILED` from the header.
 */
function toSubmission(
  member: BatchMember,
  context: Pick<Submission, 'clientId' | 'traceparent' | 'batchId'>,
): Submission {
  if (member.message === undefined) throw member.error;
  const header = headerOf(member.message);
  requireRoutingFields(header);
  return { header, text: member.message.toString(), ...context };
}

function acceptedMember(
  position: number,
  submission: Submission,
  enqueued: Enqueued,
): AcceptedMember {
  return {
    position,
    controlId: submission.header.controlId,
    id: enqueued.id,
    ...(enqueued.duplicate ? { duplicate: true as const } : {}),
  };
}

function isAtomic(request: HttpRequest): boolean {
  return ['true', '1'].includes(request.query.get('atomic')?.toLowerCase() ?? '');
}
