/**
 * `GET /api/v1/messages/{id}` and `GET /api/v1/batches/{id}`: where a message is, with
 * every step and its time, and where each member of a batch is. A record is shown only to
 * the client that submitted it; to anyone else it does not exist.
 */
import type { HttpRequest } from '@azure/functions';
import { GatewayError, isGatewayId, type MessageStatus, type StatusRecord } from '@hl7gw/platform';

import type { Deps } from '../deps.js';
import { authenticate, handled, mayRead, type RequestHandler } from '../http/edge.js';
import { jsonResponse } from '../http/respond.js';
import { batchStatusUrl } from './submit-batch.js';
import { messageStatusUrl } from './submit-message.js';

/** One member in a batch's status. */
export interface BatchMemberStatus {
  /** The member's gateway id. */
  id: string;
  /** Its current status; absent when its record is missing. */
  status?: MessageStatus;
  /** MSH-10. */
  controlId?: string;
  /** When its status last changed. */
  updatedAt?: string;
  /** Where its full history can be read. */
  statusUrl: string;
}

/** The answer to `GET /api/v1/batches/{id}`. */
export interface BatchStatus {
  /** The batch's gateway id. */
  batchId: string;
  /** When the batch was received. */
  receivedAt: string;
  /** How many members were accepted. */
  memberCount: number;
  /** How many members are at each status. */
  counts: Partial<Record<MessageStatus, number>>;
  /** The accepted members in batch order. */
  members: BatchMemberStatus[];
}

const READ_CONCURRENCY = 32;

/** Builds `GET /api/v1/messages/{id}`: the status record, `404` `NOT_FOUND` when unknown. */
export function createGetMessageStatus(deps: Deps): RequestHandler {
  return handled(deps, 'getMessageStatus', async (request) => {
    const client = authenticate(deps, request);
    const id = idParam(request, 'message');

    const record = await deps.statuses.get(id);
    if (record === undefined || !mayRead(client, record.clientId)) throw notFound('message');
    return jsonResponse(200, { ...record, statusUrl: messageStatusUrl(id) });
  });
}

/** Builds `GET /api/v1/batches/{id}`: the batch and its members' statuses, or `404`. */
export function createGetBatchStatus(deps: Deps): RequestHandler {
  return handled(deps, 'getBatchStatus', async (request) => {
    const client = authenticate(deps, request);
    const batchId = idParam(request, 'batch');

    const batch = await deps.batches.get(batchId);
    if (batch === undefined || !mayRead(client, batch.clientId)) throw notFound('batch');
    const records = await readAll(deps, batch.memberIds);

    const counts: Partial<Record<MessageStatus, number>> = {};
    const members = batch.memberIds.map((id, index) => {
      const record = records[index];
      if (record !== undefined) counts[record.status] = (counts[record.status] ?? 0) + 1;
      return memberStatus(id, record);
    });
    const answer: BatchStatus = {
      batchId,
      receivedAt: batch.receivedAt,
      memberCount: members.length,
      counts,
      members,
    };
    return jsonResponse(200, { ...answer, statusUrl: batchStatusUrl(batchId) });
  });
}

function memberStatus(id: string, record: StatusRecord | undefined): BatchMemberStatus {
  if (record === undefined) return { id, statusUrl: messageStatusUrl(id) };
  return {
    id,
    status: record.status,
    ...(record.controlId === undefined ? {} : { controlId: record.controlId }),
    updatedAt: record.updatedAt,
    statusUrl: messageStatusUrl(id),
  };
}

async function readAll(deps: Deps, ids: string[]): Promise<(StatusRecord | undefined)[]> {
  const records: (StatusRecord | undefined)[] = new Array(ids.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const index = next++;
      records[index] = await deps.statuses.get(ids[index] as string);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, ids.length) }, worker));
  return records;
}

/**
 * The `{id}` route parameter; an id that cannot be a gateway id cannot name a record.
 * @throws GatewayError `NOT_FOUND`.
 */
function idParam(request: HttpRequest, what: string): string {
  const id = request.params.id ?? '';
  if (!isGatewayId(id)) throw notFound(what);
  return id;
}

function notFound(what: string): GatewayError {
  return new GatewayError('NOT_FOUND', `No ${what} with this id`);
}
