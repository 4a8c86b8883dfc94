/**
 * The settings of the HTTP surface, shared by every app: who may call (API-key clients,
 * Entra ID), how often (rate limits), from which browser origins (CORS), and how large
 * and how slow a request may be. Parsed once, failing fast naming the setting.
 */
import { parseApiKeyClients, type ApiKeyClientConfig } from '../auth/api-key-directory.js';
import { parseEntraSettings, type EntraSettings } from '../auth/entra.js';
import { ConfigError, type Environment } from '../config.js';
import { parseRateLimits, type RateLimitSettings } from './rate-limit.js';

/** Named defaults of the request limits. */
export const HTTP_LIMIT_DEFAULTS = {
  // Azure Functions refuses bodies above 100 MiB; a batch file stays well inside.
  maxRequestBytes: 64 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  maxSegments: 10_000,
  maxFieldLength: 65_536,
  maxBatchMembers: 10_000,
  // Two years, as the HSTS preload list asks.
  hstsMaxAgeSeconds: 63_072_000,
} as const;

/** Request limits, each configurable. */
export interface RequestLimits {
  /** `HL7GW_MAX_REQUEST_BYTES`: the largest request body any route reads. */
  maxRequestBytes: number;
  /** `HL7GW_REQUEST_TIMEOUT_MS`: how long a request may take before a 503. */
  requestTimeoutMs: number;
  /** `HL7GW_MAX_SEGMENTS`: the most segments in one HL7 message. */
  maxSegments: number;
  /** `HL7GW_MAX_FIELD_LENGTH`: the longest single HL7 field, in characters. */
  maxFieldLength: number;
  /** `HL7GW_MAX_BATCH_MEMBERS`: the most messages in one batch. */
  maxBatchMembers: number;
}

/** Everything the route pipeline reads from the environment. */
export interface HttpSettings {
  /** API-key clients, the development key included. */
  apiKeyClients: ApiKeyClientConfig[];
  /** Entra ID, when configured. */
  entra: EntraSettings | undefined;
  /** Token-bucket limits. */
  rateLimits: RateLimitSettings;
  /** `HL7GW_CORS_ORIGINS`: comma-separated browser origins allowed; empty turns CORS off. */
  corsOrigins: string[];
  /** Request limits. */
  limits: RequestLimits;
  /** `HL7GW_HSTS_MAX_AGE_SECONDS`: `Strict-Transport-Security` max-age. */
  hstsMaxAgeSeconds: number;
}

/**
 * Reads the HTTP settings.
 * @throws ConfigError naming the first setting missing or malformed.
 */
export function parseHttpSettings(env: Environment): HttpSettings {
  return {
    apiKeyClients: parseApiKeyClients(env),
    entra: parseEntraSettings(env),
    rateLimits: parseRateLimits(env),
    corsOrigins: parseOrigins(env.HL7GW_CORS_ORIGINS),
    limits: {
      maxRequestBytes: positive(
        env,
        'HL7GW_MAX_REQUEST_BYTES',
        HTTP_LIMIT_DEFAULTS.maxRequestBytes,
      ),
      requestTimeoutMs: positive(
        env,
        'HL7GW_REQUEST_TIMEOUT_MS',
        HTTP_LIMIT_DEFAULTS.requestTimeoutMs,
      ),
      ...parseMessageLimits(env),
      maxBatchMembers: positive(
        env,
        'HL7GW_MAX_BATCH_MEMBERS',
        HTTP_LIMIT_DEFAULTS.maxBatchMembers,
      ),
    },
    hstsMaxAgeSeconds: positive(
      env,
      'HL7GW_HSTS_MAX_AGE_SECONDS',
      HTTP_LIMIT_DEFAULTS.hstsMaxAgeSeconds,
    ),
  };
}

/** How large one HL7 message may be, in segments and in characters per field. */
export interface MessageLimits {
  /** `HL7GW_MAX_SEGMENTS`: the most segments in one HL7 message. */
  maxSegments: number;
  /** `HL7GW_MAX_FIELD_LENGTH`: the longest single HL7 field, in characters. */
  maxFieldLength: number;
}

/**
 * Reads the message limits, which ingest's convert and the processor both enforce.
 * @throws ConfigError naming a setting that is not a positive integer.
 */
export function parseMessageLimits(env: Environment): MessageLimits {
  return {
    maxSegments: positive(env, 'HL7GW_MAX_SEGMENTS', HTTP_LIMIT_DEFAULTS.maxSegments),
    maxFieldLength: positive(env, 'HL7GW_MAX_FIELD_LENGTH', HTTP_LIMIT_DEFAULTS.maxFieldLength),
  };
}

function parseOrigins(text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((value) => {
    const origin = value.trim();
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new ConfigError(
        'HL7GW_CORS_ORIGINS',
        'must be comma-separated origins such as https://host',
      );
    }
    // An origin is scheme, host and port only; anything more would never match a browser's.
    if (url.origin !== origin || !/^https?:$/.test(url.protocol)) {
      throw new ConfigError(
        'HL7GW_CORS_ORIGINS',
        'must be comma-separated origins such as https://host',
      );
    }
    return origin;
  });
}

function positive(env: Environment, name: string, fallback: number): number {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) {
    throw new ConfigError(name, 'must be a positive integer');
  }
  return Number(value);
}
