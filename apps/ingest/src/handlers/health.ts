/**
 * `GET /api/health` (alive: the process answers) and `GET /api/health/ready` (storage and
 * the bus are reachable now, each within a short deadline, with its latency). Both are
 * anonymous: probes carry no keys, and the answers name no secrets or contents.
 */
import type { HttpResponseInit } from '@azure/functions';
import { checkReadiness, READINESS_TIMEOUT_MS } from '@hl7gw/platform';

import type { Deps } from '../deps.js';
import { handled, type RequestHandler } from '../http/edge.js';
import { jsonResponse } from '../http/respond.js';

/** Builds `GET /api/health`: always `200 { status: 'ok' }` while the process serves. */
export function createHealthAlive(): () => Promise<HttpResponseInit> {
  return async () => jsonResponse(200, { status: 'ok' }, { 'cache-control': 'no-store' });
}

/** Builds `GET /api/health/ready`: `200` when storage and the bus answer, else `503`. */
export function createHealthReady(deps: Deps): RequestHandler {
  return handled(deps, 'healthReady', async (_request, _context, { log }) => {
    // Ingest keeps its own handler (not the platform's `readinessHandler`) so the probe runs
    // through its edge: request logging, tracing and the configured Retry-After.
    const answer = await checkReadiness(
      {
        storage: (timeoutMs) => deps.readiness.storage(timeoutMs),
        bus: (timeoutMs) => deps.readiness.bus(timeoutMs),
      },
      READINESS_TIMEOUT_MS,
    );
    const ready = answer.status === 'ready';

    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (!ready) {
      const { storage, bus } = answer.dependencies;
      log.warn({ storage: storage?.code, bus: bus?.code }, 'not ready');
      headers['retry-after'] = String(deps.settings.retryAfterSeconds);
    }
    return jsonResponse(ready ? 200 : 503, answer, headers);
  });
}
