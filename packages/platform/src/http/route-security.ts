/**
 * What the route pipeline of one app runs with: the authenticator, the rate limiter, the
 * HTTP settings, the app's logger and, when there is one, the audit log. Built once per
 * process from the environment.
 */
import type { Logger } from 'pino';

import type { AuditWriter } from '../audit-writer.js';
import { ApiKeyDirectory } from '../auth/api-key-directory.js';
import { Authenticator } from '../auth/authenticator.js';
import { EntraTokenVerifier } from '../auth/entra.js';
import type { Environment } from '../config.js';
import { parseHttpSettings, type HttpSettings } from './http-settings.js';
import { RateLimiter } from './rate-limit.js';

/** The pipeline's collaborators. */
export interface RouteSecurity {
  /** Checks credentials. */
  authenticator: Authenticator;
  /** The token buckets. */
  rateLimiter: RateLimiter;
  /** Limits, CORS origins, HSTS. */
  settings: HttpSettings;
  /** Refusals are logged here (codes only). */
  logger: Logger;
  /** Where audit entries go; without one, nothing is audited. */
  audit?: AuditWriter;
}

/** What `createRouteSecurity` may be given besides the environment. */
export interface RouteSecurityOptions {
  /** The app's logger. */
  logger: Logger;
  /** The audit log. */
  audit?: AuditWriter;
  /** Milliseconds for the rate limiter (tests); `performance.now` by default. */
  nowMs?: () => number;
}

/**
 * Builds the pipeline's collaborators from `env`.
 * @throws ConfigError naming the first bad setting.
 */
export function createRouteSecurity(
  env: Environment,
  options: RouteSecurityOptions,
): RouteSecurity {
  const settings = parseHttpSettings(env);
  const entra = settings.entra === undefined ? undefined : new EntraTokenVerifier(settings.entra);
  return {
    authenticator: new Authenticator(new ApiKeyDirectory(settings.apiKeyClients), entra),
    rateLimiter: new RateLimiter(settings.rateLimits, options.nowMs),
    settings,
    logger: options.logger,
    ...(options.audit === undefined ? {} : { audit: options.audit }),
  };
}
