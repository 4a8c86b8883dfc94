/**
 * Rate limits: a token bucket per client and route class (`submit`, `read`, `operator`),
 * each class with a rate and a burst, configurable per client. The buckets live in this
 * process, so in Azure every instance limits on its own; the global limit is API
 * Management's, in front.
 *
 * Answers carry `RateLimit-Policy` and `RateLimit` (the IETF httpapi rate-limit header
 * draft, structured-field form): `q` the burst, `w` the seconds an empty bucket takes to
 * fill, `r` the requests left now, `t` the seconds until the bucket is full again.
 */
import { ConfigError, type Environment } from '../config.js';

/** The route classes limits are set for. */
export const ROUTE_CLASSES = ['submit', 'read', 'operator'] as const;

/** One of `ROUTE_CLASSES`. */
export type RouteClass = (typeof ROUTE_CLASSES)[number];

/** One bucket's shape: refill rate and capacity. */
export interface BucketLimit {
  /** Tokens added per second (may be fractional: 0.5 is one request every two seconds). */
  ratePerSecond: number;
  /** Capacity: the most requests that may arrive at once after a quiet spell. */
  burst: number;
}

/** The limits of every class. */
export type ClassLimits = Record<RouteClass, BucketLimit>;

/** Limits for everyone, and overrides per client id (API-key client id or Entra `oid`). */
export interface RateLimitSettings {
  /** Applied to any client without an override. */
  defaults: ClassLimits;
  /** Per client, per class overrides. */
  clients: Record<string, Partial<ClassLimits>>;
}

/** Named defaults: generous for lab systems, tight for operator actions. */
export const RATE_LIMIT_DEFAULTS: ClassLimits = {
  submit: { ratePerSecond: 50, burst: 100 },
  read: { ratePerSecond: 20, burst: 40 },
  operator: { ratePerSecond: 2, burst: 10 },
};

/**
 * Reads `HL7GW_RATE_LIMITS`, JSON of the form
 * `{ "default": { "submit": { "ratePerSecond": 50, "burst": 100 } }, "clients": { "<id>": { "read": { ... } } } }`;
 * every part is optional.
 * @throws ConfigError naming the setting and the part at fault.
 */
export function parseRateLimits(env: Environment): RateLimitSettings {
  const text = env.HL7GW_RATE_LIMITS?.trim();
  const settings: RateLimitSettings = { defaults: { ...RATE_LIMIT_DEFAULTS }, clients: {} };
  if (text === undefined || text === '') return settings;

  const fail = (problem: string) => new ConfigError('HL7GW_RATE_LIMITS', problem);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw fail('must be JSON');
  }
  if (!isObject(parsed)) throw fail('must be a JSON object');
  if (parsed.default !== undefined) {
    Object.assign(settings.defaults, readClasses(parsed.default, 'default', fail));
  }
  if (parsed.clients !== undefined) {
    if (!isObject(parsed.clients)) throw fail('clients must be an object');
    for (const [id, limits] of Object.entries(parsed.clients)) {
      settings.clients[id] = readClasses(limits, `clients.${id.slice(0, 64)}`, fail);
    }
  }
  return settings;
}

function readClasses(
  value: unknown,
  where: string,
  fail: (problem: string) => ConfigError,
): Partial<ClassLimits> {
  if (!isObject(value)) throw fail(`${where} must be an object`);
  const limits: Partial<ClassLimits> = {};
  for (const [name, limit] of Object.entries(value)) {
    if (!(ROUTE_CLASSES as readonly string[]).includes(name)) {
      throw fail(
        `${where} names no route class ${name.slice(0, 20)} (${ROUTE_CLASSES.join(', ')})`,
      );
    }
    if (
      !isObject(limit) ||
      typeof limit.ratePerSecond !== 'number' ||
      !(limit.ratePerSecond > 0) ||
      !Number.isFinite(limit.ratePerSecond) ||
      !Number.isInteger(limit.burst) ||
      (limit.burst as number) < 1
    ) {
      throw fail(`${where}.${name} needs ratePerSecond > 0 and an integer burst >= 1`);
    }
    limits[name as RouteClass] = {
      ratePerSecond: limit.ratePerSecond,
      burst: limit.burst as number,
    };
  }
  return limits;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The outcome of taking one token. */
export interface RateDecision {
  /** Whether the request may go ahead. */
  allowed: boolean;
  /** The limit applied. */
  limit: BucketLimit;
  /** Whole requests left after this one. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** When refused: whole seconds until one token is back. */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Buckets beyond this many are pruned of the full ones, so memory stays bounded. */
const PRUNE_ABOVE = 10_000;

/** Token buckets per client and class, in this process. */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  /**
   * @param settings The limits.
   * @param nowMs Where time comes from, in milliseconds.
   */
  constructor(
    private readonly settings: RateLimitSettings,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /** The limit that applies to `clientId` for `routeClass`. */
  limitFor(clientId: string, routeClass: RouteClass): BucketLimit {
    return this.settings.clients[clientId]?.[routeClass] ?? this.settings.defaults[routeClass];
  }

  /** Takes one token for a request of `clientId` in `routeClass`, if there is one. */
  take(clientId: string, routeClass: RouteClass): RateDecision {
    const limit = this.limitFor(clientId, routeClass);
    const key = `${routeClass}\u0000${clientId}`;
    const now = this.nowMs();

    const bucket = this.#buckets.get(key) ?? { tokens: limit.burst, updatedMs: now };
    const elapsedSeconds = Math.max(0, now - bucket.updatedMs) / 1000;
    bucket.tokens = Math.min(limit.burst, bucket.tokens + elapsedSeconds * limit.ratePerSecond);
    bucket.updatedMs = now;

    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    if (!this.#buckets.has(key)) {
      if (this.#buckets.size >= PRUNE_ABOVE) this.#prune(now);
      this.#buckets.set(key, bucket);
    }

    return {
      allowed,
      limit,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.ceil((limit.burst - bucket.tokens) / limit.ratePerSecond),
      retryAfterSeconds: allowed
        ? 0
        : Math.max(1, Math.ceil((1 - bucket.tokens) / limit.ratePerSecond)),
    };
  }

  #prune(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      const routeClass = key.slice(0, key.indexOf('\u0000')) as RouteClass;
      const clientId = key.slice(key.indexOf('\u0000') + 1);
      const limit = this.limitFor(clientId, routeClass);
      const refilled = bucket.tokens + ((now - bucket.updatedMs) / 1000) * limit.ratePerSecond;
      if (refilled >= limit.burst) this.#buckets.delete(key);
    }
  }
}

/** The `RateLimit-Policy` and `RateLimit` headers of a decision, named after its class. */
export function rateLimitHeaders(
  routeClass: RouteClass,
  decision: RateDecision,
): Record<string, string> {
  const { burst, ratePerSecond } = decision.limit;
  const windowSeconds = Math.max(1, Math.ceil(burst / ratePerSecond));
  return {
    'ratelimit-policy': `"${routeClass}";q=${burst};w=${windowSeconds}`,
    ratelimit: `"${routeClass}";r=${decision.remaining};t=${decision.resetSeconds}`,
  };
}
