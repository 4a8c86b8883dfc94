/**
 * Webhook signatures: HMAC-SHA256 over `<timestamp>.<body>`, sent as
 * `X-HL7GW-Signature: t=<unix seconds>,v1=<hex digest>`. Signing the timestamp with the body
 * lets a receiver refuse a replayed request whose signature is otherwise valid.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying the signature. */
export const SIGNATURE_HEADER = 'x-hl7gw-signature';
/** The header carrying the idempotency key (the gateway id of the result). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** How old a signed timestamp a receiver should accept, by default. */
export const DEFAULT_SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** The hex HMAC-SHA256 of `<timestampSeconds>.<body>` under `secret`. */
export function signatureDigest(secret: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex');
}

/** The `X-HL7GW-Signature` value for `body` sent at `nowMs`. */
export function signWebhook(secret: string, body: string, nowMs: number): string {
  const timestampSeconds = Math.floor(nowMs / 1000);
  return `t=${timestampSeconds},v1=${signatureDigest(secret, timestampSeconds, body)}`;
}

/** Why a signature was refused. */
export type SignatureProblem = 'MALFORMED' | 'STALE' | 'MISMATCH';

/**
 * Checks a signature header as a receiver should: well formed, a timestamp within
 * `toleranceMs` of `nowMs` (either side), and a digest equal in constant time. Returns the
 * problem, or undefined when the signature holds.
 */
export function verifyWebhook(
  secret: string,
  header: string | undefined,
  body: string,
  nowMs: number,
  toleranceMs = DEFAULT_SIGNATURE_TOLERANCE_MS,
): SignatureProblem | undefined {
  const parts = new Map(
    (header ?? '').split(',').map((part) => {
      const [key = '', value = ''] = part.trim().split('=', 2);
      return [key, value] as const;
    }),
  );
  const t = parts.get('t') ?? '';
  const v1 = parts.get('v1') ?? '';
  if (!/^\d{1,12}$/.test(t) || !/^[0-9a-f]{64}$/.test(v1)) return 'MALFORMED';
  if (Math.abs(nowMs - Number(t) * 1000) > toleranceMs) return 'STALE';

  const expected = Buffer.from(signatureDigest(secret, Number(t), body), 'hex');
  return timingSafeEqual(expected, Buffer.from(v1, 'hex')) ? undefined : 'MISMATCH';
}
