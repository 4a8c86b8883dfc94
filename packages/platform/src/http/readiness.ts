/**
 * Readiness for `GET /api/health/ready`, the same in every app: each dependency probed at
 * once, each bounded by a deadline, each reported with its state and latency. A load
 * balancer polls this, so a hung dependency must read as "down" in seconds, not after the
 * SDKs' retries.
 */
import type { HttpResponseInit } from '@azure/functions';

import type { Bus } from '../bus.js';
import type { StorageConnection } from '../config.js';
import { isPlatformError, PlatformError, toPlatformError } from '../errors.js';
import { checkStorageReachable } from '../storage-probe.js';
import type { RouteHandler } from './route.js';

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
  /** Each dependency's state, by name (`storage`, `bus`). */
  dependencies: Record<string, DependencyCheck>;
}

/** Resolves when a dependency answers within `timeoutMs`; throws `PlatformError` when not. */
export type ReadinessProbe = (timeoutMs: number) => Promise<void>;

/** Runs every probe at once, each held to `timeoutMs`, and reports each; never throws. */
export async function checkReadiness(
  probes: Record<string, ReadinessProbe>,
  timeoutMs: number = READINESS_TIMEOUT_MS,
): Promise<Readiness> {
  const entries = Object.entries(probes);
  const checks = await Promise.all(entries.map(([name, probe]) => check(name, probe, timeoutMs)));
  const dependencies: Record<string, DependencyCheck> = {};
  entries.forEach(([name], index) => (dependencies[name] = checks[index] as DependencyCheck));
  return {
    status: checks.every((one) => one.status === 'up') ? 'ready' : 'unavailable',
    dependencies,
  };
}

/**
 * Resolves when storage answers within `timeoutMs`: a TCP connect to every endpoint of a
 * connection string, or `read` (which with a managed identity also proves its rights).
 * Throws `PlatformError` `STORAGE_UNAVAILABLE` or `TIMEOUT`.
 */
export async function probeStorage(
  storage: StorageConnection,
  read: () => Promise<unknown>,
  timeoutMs: number,
): Promise<void> {
  if (storage.kind === 'connection-string') {
    await checkStorageReachable(storage.connectionString, timeoutMs);
    return;
  }
  await withDeadline(read(), timeoutMs, 'storage');
}

/**
 * Resolves when the bus opens a sender link on `entity` (a queue or topic) within
 * `timeoutMs`, without sending anything. Throws `PlatformError` `BUS_UNAVAILABLE`,
 * `NOT_FOUND` (no such entity) or `TIMEOUT`.
 */
export async function probeBus(bus: Bus, entity: string, timeoutMs: number): Promise<void> {
  const sender = bus.client.createSender(entity);
  try {
    const opened = sender.createMessageBatch({ abortSignal: AbortSignal.timeout(timeoutMs) });
    await withDeadline(opened, timeoutMs, 'bus');
  } catch (error) {
    throw toPlatformError(error, 'bus');
  } finally {
    sender.close().catch(() => undefined);
  }
}

/** `GET /api/health`: `200 { status: 'ok' }` while the process serves. */
export function healthAliveHandler(): RouteHandler {
  return async () => json(200, { status: 'ok' });
}

/**
 * `GET /api/health/ready`: `200` with every dependency up, else `503` with `Retry-After`.
 * `probes` is called on each request, so an app builds its adapters on first use; when it
 * throws (the app is misconfigured) the answer is `503` naming the error code.
 */
export function readinessHandler(
  probes: () => Record<string, ReadinessProbe>,
  options: { timeoutMs?: number; retryAfterSeconds?: number } = {},
): RouteHandler {
  return async () => {
    let readiness: Readiness;
    try {
      readiness = await checkReadiness(probes(), options.timeoutMs);
    } catch (error) {
      const code = isPlatformError(error) ? error.code : errorCode(error);
      readiness = {
        status: 'unavailable',
        dependencies: { configuration: { status: 'down', latencyMs: 0, code } },
      };
    }

    if (readiness.status === 'ready') return json(200, readiness);
    return json(503, readiness, { 'retry-after': String(options.retryAfterSeconds ?? 5) });
  };
}

async function check(
  name: string,
  probe: ReadinessProbe,
  timeoutMs: number,
): Promise<DependencyCheck> {
  const started = performance.now();
  try {
    // A probe that ignores its deadline must still not hold the answer up.
    await withDeadline(probe(timeoutMs), timeoutMs, name);
    return { status: 'up', latencyMs: elapsedMs(started) };
  } catch (error) {
    const code = isPlatformError(error) ? error.code : 'UNKNOWN';
    return { status: 'down', latencyMs: elapsedMs(started), code };
  }
}

function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'cache-control': 'no-store', ...headers } };
}

/** `work`, or a `TIMEOUT` error when it has not settled within `timeoutMs`. */
async function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  dependency: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PlatformError('TIMEOUT', `${dependency} did not answer in ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    // The losing promise may still reject later; that must not become an unhandled rejection.
    work.catch(() => undefined);
  }
}
