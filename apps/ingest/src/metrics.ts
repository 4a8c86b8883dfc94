/**
 * Ingest's business metrics, recorded on the telemetry of the invocation running now (set
 * by the tracing hook in `functions.ts`): a message received, a message refused. Only MSH
 * header fields and codes become attributes.
 */
import { currentTelemetry, type GatewayError } from '@hl7gw/platform';

import type { Enqueued } from './enqueue.js';
import type { MessageHeader } from './header.js';

/** Counts one message accepted: `queued`, or `duplicate` for a resubmission. */
export function countReceived(header: MessageHeader, enqueued: Enqueued): void {
  currentTelemetry()?.metrics.received({
    messageType: header.messageType,
    sendingFacility: header.sendingFacility,
    outcome: enqueued.duplicate ? 'duplicate' : 'queued',
  });
}

/**
 * Counts one message refused for what it is (4xx); a dependency down (5xx) is not the
 * message's fault and is seen on the request and dependency spans instead.
 */
export function countRejected(error: GatewayError, header?: MessageHeader): void {
  if (error.spec.httpStatus >= 500) return;
  currentTelemetry()?.metrics.rejected({
    code: error.code,
    category: error.spec.category,
    ...(header === undefined
      ? {}
      : { messageType: header.messageType, sendingFacility: header.sendingFacility }),
  });
}
