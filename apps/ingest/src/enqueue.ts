/**
 * Putting accepted messages on `hl7-inbound`, for single submissions and batch members
 * alike, in an order that leaves nothing misleading when a step fails:
 *
 * 1. claim the message identity (duplicate index) for a new gateway id;
 * 2. archive the raw bytes (single submissions; a batch is archived whole);
 * 3. create the status record, `received`: it says the gateway holds the message, not that
 *    it is queued, and exists before the processor can look for it;
 * 4. send to the bus;
 * 5. record `queued`.
 *
 * A failure at 4 adds a `received` step with the reason and leaves the status `received`:
 * no record ever says `queued` for a message that is not on the bus. A retry finds the
 * claim, sees `received`, and resumes with the same gateway id; the bus's duplicate
 * detection drops a copy that did get through, so the result is published once. A claim
 * whose message reached `queued` or beyond answers a resubmission as a duplicate.
 */
import {
  inboundHeaderProperties,
  inboundMessageId,
  patientSessionId,
  toPlatformError,
  type InboundMessage,
  type MessageStatus,
  type StatusFacts,
} from '@hl7gw/platform';

import type { Deps } from './deps.js';
import type { MessageHeader } from './header.js';

/** One message to enqueue. */
export interface Submission {
  /** Its header, as read. */
  header: MessageHeader;
  /** The whole message, decoded; travels inline or by claim check. */
  text: string;
  /** The authenticated client. */
  clientId: string;
  /** The request's W3C trace context. */
  traceparent: string;
  /** The batch it arrived in. */
  batchId?: string;
}

/** What became of one submission. */
export interface Enqueued {
  /** The gateway id: new, or the first submission's for a duplicate. */
  id: string;
  /** The status now: `queued`, or the first submission's status for a duplicate. */
  status: MessageStatus;
  /** True when an earlier submission of the same message was already queued. */
  duplicate: boolean;
  /** The bus `messageId` (duplicate-detection hash). */
  busMessageId: string;
}

/** The step detail recorded when the bus refused a message. */
export const ENQUEUE_FAILED_DETAIL = 'DEPENDENCY_UNAVAILABLE';

/** How many messages go to the bus in one `sendInboundMany` call. */
export const SEND_CHUNK_SIZE = 100;
/** How many storage operations a batch runs at once. */
const STORAGE_CONCURRENCY = 32;

/**
 * Enqueues one message, archiving `raw` first. Throws `PlatformError` when storage or the
 * bus fails; see the module comment for what is left behind.
 */
export async function enqueueOne(
  deps: Deps,
  submission: Submission,
  raw: Uint8Array,
): Promise<Enqueued> {
  const busMessageId = inboundMessageId(submission.header);
  const claim = await deps.claims.claim(busMessageId, deps.ids());
  const duplicate = await duplicateOf(deps, claim, busMessageId);
  if (duplicate) return duplicate;

  const receivedAt = deps.clock.now();
  await deps.blobs.putRaw(claim.id, receivedAt, raw);
  await ensureReceived(deps, claim.id, submission);

  try {
    await deps.bus.sendInbound(toInbound(deps, claim.id, receivedAt, submission));
  } catch (error) {
    await noteFailure(deps, [claim.id]);
    throw error;
  }

  await deps.statuses.transition(claim.id, 'queued');
  return { id: claim.id, status: 'queued', duplicate: false, busMessageId };
}

/**
 * Enqueues batch members in their order, `SEND_CHUNK_SIZE` to a bus call. Duplicates of
 * earlier submissions are answered, not resent. Throws `PlatformError` at the first chunk
 * that fails; members of earlier chunks stay queued, and resubmitting the batch is safe.
 */
export async function enqueueMany(deps: Deps, submissions: Submission[]): Promise<Enqueued[]> {
  const results: (Enqueued | undefined)[] = new Array(submissions.length);
  const pending: { index: number; id: string; busMessageId: string }[] = [];

  await forEachLimited(submissions, async (submission, index) => {
    const busMessageId = inboundMessageId(submission.header);
    const claim = await deps.claims.claim(busMessageId, deps.ids());
    const duplicate = await duplicateOf(deps, claim, busMessageId);
    if (duplicate) results[index] = duplicate;
    else pending.push({ index, id: claim.id, busMessageId });
  });
  pending.sort((a, b) => a.index - b.index);
  await forEachLimited(pending, ({ index, id }) =>
    ensureReceived(deps, id, submissions[index] as Submission),
  );

  const receivedAt = deps.clock.now();
  for (let start = 0; start < pending.length; start += SEND_CHUNK_SIZE) {
    const chunk = pending.slice(start, start + SEND_CHUNK_SIZE);
    const messages = chunk.map(({ index, id }) =>
      toInbound(deps, id, receivedAt, submissions[index] as Submission),
    );
    try {
      await deps.bus.sendInboundMany(messages);
    } catch (error) {
      await noteFailure(
        deps,
        pending.slice(start).map(({ id }) => id),
      );
      throw error;
    }

    await forEachLimited(chunk, async ({ index, id, busMessageId }) => {
      await deps.statuses.transition(id, 'queued');
      results[index] = { id, status: 'queued', duplicate: false, busMessageId };
    });
  }
  return results as Enqueued[];
}

/** The answer for a claim an earlier submission holds and has queued; else undefined. */
async function duplicateOf(
  deps: Deps,
  claim: { id: string; fresh: boolean },
  busMessageId: string,
): Promise<Enqueued | undefined> {
  if (claim.fresh) return undefined;
  const existing = await deps.statuses.get(claim.id);
  // `received` means the earlier attempt never reached the bus, or is still on its way:
  // carry on under its id, and let the bus drop whichever copy comes second.
  if (existing === undefined || existing.status === 'received') return undefined;
  return { id: claim.id, status: existing.status, duplicate: true, busMessageId };
}

/** Creates the `received` record, or keeps the one an earlier attempt created. */
async function ensureReceived(deps: Deps, id: string, submission: Submission): Promise<void> {
  try {
    await deps.statuses.create(id, factsOf(submission));
  } catch (error) {
    const platformError = toPlatformError(error, 'storage');
    if (platformError.code !== 'CONFLICT') throw platformError;
  }
}

/** Best effort: a storage failure here must not hide the bus failure being reported. */
async function noteFailure(deps: Deps, ids: string[]): Promise<void> {
  await forEachLimited(ids, (id) =>
    deps.statuses.transition(id, 'received', ENQUEUE_FAILED_DETAIL).then(
      () => undefined,
      () => undefined,
    ),
  );
}

function toInbound(
  deps: Deps,
  id: string,
  receivedAt: Date,
  submission: Submission,
): InboundMessage {
  const { header } = submission;
  return {
    envelope: {
      v: 1,
      id,
      receivedAt: receivedAt.toISOString(),
      source: { clientId: submission.clientId, channel: 'http' },
      ...(submission.batchId === undefined ? {} : { batchId: submission.batchId }),
      raw: submission.text,
    },
    properties: {
      ...inboundHeaderProperties(header),
      traceparent: submission.traceparent,
      replayCount: 0,
    },
    sessionId: patientSessionId(header.patientKey, {
      fallback: id,
      ...(deps.config.sessionHashKey === undefined ? {} : { hashKey: deps.config.sessionHashKey }),
    }),
  };
}

function factsOf(submission: Submission): StatusFacts {
  return {
    messageType: submission.header.messageType,
    sendingFacility: submission.header.sendingFacility,
    controlId: submission.header.controlId,
    clientId: submission.clientId,
    ...(submission.batchId === undefined ? {} : { batchId: submission.batchId }),
  };
}

/** Runs `work` over `items` with at most `STORAGE_CONCURRENCY` in flight; fails on the first error. */
async function forEachLimited<T>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(STORAGE_CONCURRENCY, items.length) }, worker));
}
