/**
 * `POST /api/v1/messages`: one HL7 message in, `202` out once it is on `hl7-inbound`.
 * Ingest reads the header only (see `header.ts`); parsing and validating the whole
 * message is the processor's job, so a slow downstream never slows a lab system down.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { childFor, requireFacility, type GatewayError } from '@hl7gw/platform';

import { commitAccept, commitError } from '../ack.js';
import type { Deps } from '../deps.js';
import { enqueueOne, type Enqueued } from '../enqueue.js';
import { readMessage, requireRoutingFields, type MessageHeader } from '../header.js';
import { authenticate, handled, logRejection, type RequestHandler } from '../http/edge.js';
import { toGatewayError } from '../http/errors.js';
import { wantsAckOnError, wantsAckOnSuccess } from '../http/media.js';
import { readMessageBody } from '../http/message-body.js';
import { hl7Response, jsonResponse } from '../http/respond.js';
import { countReceived, countRejected } from '../metrics.js';

/** The JSON answer to an accepted message. */
export interface SubmitMessageAnswer {
  /** The gateway id. */
  id: string;
  /** `queued`, or the first submission's status for a duplicate. */
  status: string;
  /** Where the status can be read. */
  statusUrl: string;
  /** MSH-10. */
  controlId: string;
  /** MSH-9 as `ORU^R01`. */
  messageType: string;
  /** Present and true when the same message (MSH-3, MSH-4, MSH-10) was already queued. */
  duplicate?: true;
}

/** The path of a message's status. */
export function messageStatusUrl(id: string): string {
  return `/api/v1/messages/${id}`;
}

/**
 * Builds the handler. Answers `202` with `SubmitMessageAnswer` (or a CA ACK for clients
 * accepting HL7); `401`, `413`, `415` as problem details; `400` `NOT_HL7`/`PARSE_ERROR` and
 * `422` `VALIDATION_FAILED` (MSH-9, MSH-10 or MSH-12 missing) and `403`
 * `FACILITY_NOT_ALLOWED` (MSH-4 not the caller's) as problem details or a CR ACK; `503`
 * `DEPENDENCY_UNAVAILABLE` with `Retry-After` when storage or the bus is down.
 */
export function createSubmitMessage(deps: Deps): RequestHandler {
  return handled(deps, 'submitMessage', async (request, _context, { trace, log }) => {
    const client = authenticate(deps, request);
    const raw = await readMessageBody(request, deps.config.maxMessageBytes);

    let header: MessageHeader | undefined;
    let enqueued: Enqueued;
    try {
      const read = readMessage(raw);
      header = read.header;
      requireRoutingFields(header);
      requireFacility(client.principal, header.sendingFacility);
      const archive = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
      const submission = { header, text: read.text, clientId: client.clientId, ...trace };
      enqueued = await enqueueOne(deps, submission, archive);
    } catch (thrown) {
      const error = toGatewayError(thrown);
      countRejected(error, header);
      const ack = wantsAckOnError(request) ? commitError(deps, error, { header, raw }) : undefined;
      if (ack === undefined) throw error;
      logRejection(log, error);
      return hl7Response(error.spec.httpStatus, ack, retryHeaders(deps, error));
    }

    countReceived(header, enqueued);
    const messageLog = childFor(log, {
      gatewayId: enqueued.id,
      controlId: header.controlId,
      busMessageId: enqueued.busMessageId,
    });
    messageLog.info(
      { messageType: header.messageType, duplicate: enqueued.duplicate },
      enqueued.duplicate ? 'duplicate submission answered' : 'message queued',
    );
    return answer(request, deps, header, enqueued);
  });
}

function answer(
  request: HttpRequest,
  deps: Deps,
  header: MessageHeader,
  enqueued: Enqueued,
): HttpResponseInit {
  const statusUrl = messageStatusUrl(enqueued.id);
  const headers = { location: statusUrl };
  if (wantsAckOnSuccess(request)) return hl7Response(202, commitAccept(deps, header), headers);

  const body: SubmitMessageAnswer = {
    id: enqueued.id,
    status: enqueued.status,
    statusUrl,
    controlId: header.controlId,
    messageType: header.messageType,
    ...(enqueued.duplicate ? { duplicate: true as const } : {}),
  };
  return jsonResponse(202, body, headers);
}

function retryHeaders(deps: Deps, error: GatewayError): Record<string, string> {
  return error.spec.retryable ? { 'retry-after': String(deps.settings.retryAfterSeconds) } : {};
}
