/**
 * `GET /api/health` (alive: the process answers) and `GET /api/health/ready` (storage and
 * the bus are reachable now, each within a short deadline, with its latency). Both are
 * anonymous: probes carry no keys, and the answers name no secrets or contents.
 */
import type { HttpResponseInit } from '@azure/functions';
import { isPlatformError } from '@hl7gw/platform';

import type { Deps } from '../deps.js';
import { handled, type RequestHandler } from '../http/edge.js';
import { jsonResponse } from '../http/respond.js';

/** How long each readiness probe may take. */
export const READINESS_TIMEOUT_MS = 2_000;

/** One dependency's state. */
export interface DependencyCheck {
  /** `up` when it answered in time. */
  status: 'up' | 'down';
  /** How long the probe took. */
  latencyMs: number;
  /** The platform error code when down. */
  code?: string;
}

/** The answer to `GET /api/health/ready`. */
export interface Readiness {
  /** `ready` when every dependency is up. */
  status: 'ready' | 'unavailable';
  /** Each dependency's state. */
  dependencies: { storage: DependencyCheck; bus: DependencyCheck };
}

/** Builds `GET /api/health`: always `200 { status: 'ok' }` while the process serves. */
export function createHealthAlive(): () => Promise<HttpResponseInit> {
  return async () => jsonResponse(200, { status: 'ok' }, { 'cache-control': 'no-store' });
}

/** Builds `GET /api/health/ready`: `200` when storage and the bus answer, else `503`. */
export function createHealthReady(deps: Deps): RequestHandler {
  return handled(deps, 'healthReady', async (_request, _context, { log }) => {
    const [storage, bus] = await Promise.all([
      check(() => deps.readiness.storage(READINESS_TIMEOUT_MS)),
      check(() => deps.readiness.bus(READINESS_TIMEOUT_MS)),
    ]);
    const ready = storage.status === 'up' && bus.status === 'up';
    const answer: Readiness = {
      status: ready ? 'ready' : 'unavailable',
      dependencies: { storage, bus },
    };

    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (!ready) {
      log.warn({ storage: storage.code, bus: bus.code }, 'not ready');
      headers['retry-after'] = String(deps.settings.retryAfterSeconds);
    }
    return jsonResponse(ready ? 200 : 503, answer, headers);
  });
}

async function check(probe: () => Promise<void>): Promise<DependencyCheck> {
  const started = performance.now();
  try {
    await probe();
    return { status: 'up', latencyMs: elapsedMs(started) };
  } catch (error) {
    const code = isPlatformError(error) ? error.code : 'UNKNOWN';
    return { status: 'down', latencyMs: elapsedMs(started), code };
  }
}

function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
