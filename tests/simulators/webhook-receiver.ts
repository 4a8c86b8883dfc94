/**
 * The notification service simulator: a webhook receiver at `POST /hook` that verifies the
 * gateway's signature as a real receiver should. `X-HL7GW-Signature: t=<unix s>,v1=<hex>` is
 * HMAC-SHA256 under the shared secret over `<t>.<raw body>`; the timestamp must be within
 * the tolerance (5 minutes by default) of the receiver's clock, so a captured request cannot
 * be replayed later. Bad signatures answer `401`, stale ones `401` too (both recorded with
 * the reason); scripted failures answer `503`.
 *
 * The verification is written here on its own, from the documented scheme (docs/delivery.md),
 * not borrowed from the gateway, so a drift between the two shows up as a failing test.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import { Behaviour } from './behaviour.js';
import { startHttpSim, type HttpSim, type ListenOptions, type SimResponse } from './http-server.js';

/** One notification accepted. */
export interface Notification {
  atMs: number;
  idempotencyKey?: string;
  /** The parsed JSON body (a result document). */
  body: unknown;
}

/** One request refused, with why. */
export interface RefusedNotification {
  atMs: number;
  reason: 'malformed' | 'stale' | 'bad-signature' | 'failure';
  idempotencyKey?: string;
}

/** Options of the webhook receiver. */
export interface WebhookOptions extends ListenOptions {
  /** The shared signing secret. */
  secret: string;
  /** How far a timestamp may be from now; 5 minutes by default. */
  toleranceMs?: number;
  /** The receiver's clock; `Date.now` by default. */
  nowMs?: () => number;
  random?: () => number;
}

/** A running webhook receiver. */
export interface WebhookReceiver extends HttpSim {
  /** `<origin>/hook`. */
  url: string;
  behaviour: Behaviour<SimResponse>;
  accepted: Notification[];
  refused: RefusedNotification[];
}

/** Starts the webhook receiver. */
export async function startWebhookReceiver(options: WebhookOptions): Promise<WebhookReceiver> {
  const behaviour = new Behaviour<SimResponse>(options.random);
  const accepted: Notification[] = [];
  const refused: RefusedNotification[] = [];
  const now = options.nowMs ?? Date.now;
  const toleranceMs = options.toleranceMs ?? 5 * 60_000;

  const sim = await startHttpSim(
    options,
    behaviour,
    async (request) => {
      if (request.method !== 'POST' || request.path !== '/hook') return { status: 404 };
      const keyHeader = request.headers['idempotency-key'];
      const key = Array.isArray(keyHeader) ? keyHeader[0] : keyHeader;
      const refuse = (reason: RefusedNotification['reason'], status: number): SimResponse => {
        refused.push({ atMs: Date.now(), reason, ...(key ? { idempotencyKey: key } : {}) });
        return { status, body: { error: reason } };
      };

      await behaviour.delay();
      const decision = behaviour.decide();
      if (decision.kind === 'forced') return decision.response;
      if (decision.kind === 'fail') return refuse('failure', 503);

      const signature = request.headers['x-hl7gw-signature'];
      const problem = verify(
        options.secret,
        Array.isArray(signature) ? signature[0] : signature,
        request.body,
        now(),
        toleranceMs,
      );
      if (problem !== undefined) return refuse(problem, 401);

      let body: unknown;
      try {
        body = JSON.parse(request.body);
      } catch {
        return refuse('malformed', 400);
      }
      accepted.push({ atMs: Date.now(), body, ...(key ? { idempotencyKey: key } : {}) });
      return { status: 204 };
    },
    {
      get: () => ({ accepted, refused }),
      clear: () => {
        accepted.length = 0;
        refused.length = 0;
      },
    },
  );
  return { ...sim, url: `${sim.origin}/hook`, behaviour, accepted, refused };
}

function verify(
  secret: string,
  header: string | undefined,
  body: string,
  nowMs: number,
  toleranceMs: number,
): 'malformed' | 'stale' | 'bad-signature' | undefined {
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (match === null) return 'malformed';
  const [, t, v1] = match as unknown as [string, string, string];
  if (Math.abs(nowMs - Number(t) * 1000) > toleranceMs) return 'stale';
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex')) ? undefined : 'bad-signature';
}
