/**
 * What one delivery attempt came to, and how failures are classified. Permanent failures
 * (the destination refused the result: HTTP 4xx, an AE/AR ACK, a document it cannot take)
 * are dead-lettered at once; transient ones (5xx, timeouts, refused or reset connections,
 * throttling) are retried. Reasons are short codes (`HTTP_503`, `ACK_AR`, `TIMEOUT`), never
 * anything the destination said in free text, which may quote patient data.
 */

/** The outcome of one attempt. */
export type DeliveryOutcome =
  | { outcome: 'delivered'; reason: string }
  | { outcome: 'permanent'; reason: string }
  | { outcome: 'transient'; reason: string };

/** A delivered outcome. */
export const delivered = (reason: string): DeliveryOutcome => ({ outcome: 'delivered', reason });
/** A permanent failure. */
export const permanent = (reason: string): DeliveryOutcome => ({ outcome: 'permanent', reason });
/** A transient failure. */
export const transient = (reason: string): DeliveryOutcome => ({ outcome: 'transient', reason });

// Refusals that say "not now" rather than "never": timeout, too early, throttled.
const TRANSIENT_4XX = new Set([408, 425, 429]);

/** Classifies an HTTP status: 2xx delivered, 408/425/429 and 5xx transient, others permanent. */
export function classifyHttpStatus(status: number, detail = ''): DeliveryOutcome {
  const reason = `HTTP_${status}${detail === '' ? '' : ` ${detail}`}`;
  if (status >= 200 && status < 300) return delivered(reason);
  if (status >= 500 || TRANSIENT_4XX.has(status)) return transient(reason);
  return permanent(reason);
}

/**
 * Classifies an ACK code (MSA-1): AA and CA delivered; AE, AR, CE and CR permanent (the
 * receiver read the message and refused it); anything else, or none, transient.
 */
export function classifyAck(code: string | undefined): DeliveryOutcome {
  const ack = (code ?? '').trim().toUpperCase();
  if (ack === 'AA' || ack === 'CA') return delivered(`ACK_${ack}`);
  if (['AE', 'AR', 'CE', 'CR'].includes(ack)) return permanent(`ACK_${ack}`);
  return transient(ack === '' ? 'ACK_MISSING' : 'ACK_UNKNOWN');
}

// Socket and TLS error codes that may pass on their own: the peer is down, restarting,
// unreachable, overloaded, or its certificate is being rotated.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
  'NO_ACK',
  'UND_ERR_SOCKET',
]);

/**
 * Classifies a thrown error: a destination outside the allow-list is permanent
 * (`DESTINATION_NOT_ALLOWED`), a timeout and network errors transient under their code, and
 * anything else transient as `NETWORK_ERROR` (TLS failures included: a certificate is fixed
 * by an operator, and the results should still be there when it is).
 */
export function classifyError(error: unknown): DeliveryOutcome {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'DESTINATION_NOT_ALLOWED') return permanent(code);
  if (code === 'TIMEOUT') return transient('TIMEOUT');
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return transient(code);
  if (
    typeof code === 'string' &&
    /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED)/.test(code)
  ) {
    return transient('TLS_ERROR');
  }
  return transient('NETWORK_ERROR');
}

/** The error a connector raises when an attempt outlives its deadline. */
export class DeliveryTimeoutError extends Error {
  /** Always `TIMEOUT`. */
  readonly code = 'TIMEOUT';

  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'DeliveryTimeoutError';
  }
}
