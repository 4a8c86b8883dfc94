/**
 * W3C trace context for a request: the caller's `traceparent` when it sent a valid one,
 * otherwise a new trace, so every inbound message carries one across the bus.
 */
import { randomBytes } from 'node:crypto';

import type { HttpRequest, InvocationContext } from '@azure/functions';

const TRACEPARENT = /^00-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/;

/** A request's trace: the `traceparent` to propagate and its trace id for logs. */
export interface RequestTrace {
  /** `00-<trace id>-<span id>-<flags>`. */
  traceparent: string;
  /** The 32 hex digits of the trace id. */
  traceId: string;
}

/** The request's trace, from the invocation's trace context, the header, or new. */
export function traceOf(request: HttpRequest, context?: InvocationContext): RequestTrace {
  const candidates = [context?.traceContext?.traceParent, request.headers.get('traceparent')];
  for (const candidate of candidates) {
    const match = TRACEPARENT.exec(candidate?.trim().toLowerCase() ?? '');
    // An all-zero trace or span id is invalid by the W3C spec.
    if (match?.[1] && !/^0+$/.test(match[1]) && !/^0+$/.test(match[2] ?? '')) {
      return { traceparent: match[0], traceId: match[1] };
    }
  }
  const traceId = randomBytes(16).toString('hex');
  return { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, traceId };
}
