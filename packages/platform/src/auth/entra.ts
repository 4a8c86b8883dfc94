/**
 * Entra ID bearer tokens, validated with `jose`: the signature against the tenant's JSON
 * Web Key Set (fetched once, cached, fetched again when a token names a key id the cache
 * lacks, at most once per cool-down), the issuer (v2.0 and v1.0 forms), the audience, the
 * expiry and not-before with a small clock skew, and the `roles` claim.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';

import { ConfigError, type Environment } from '../config.js';
import { GatewayError } from '../gateway-error.js';
import { ALL_FACILITIES, type Principal } from './principal.js';
import { isRole } from './roles.js';

/** Named defaults of the Entra settings. */
export const ENTRA_DEFAULTS = {
  // Clocks of the token service and the gateway may differ a little; a minute is plenty.
  clockToleranceSeconds: 60,
  // Refetching the key set on an unknown `kid` at most this often bounds what a stream of
  // forged tokens can make the gateway fetch.
  jwksCooldownMs: 30_000,
  jwksCacheMaxAgeMs: 10 * 60_000,
  jwksTimeoutMs: 5_000,
} as const;

/** How Entra ID tokens are checked. */
export interface EntraSettings {
  /** `HL7GW_ENTRA_TENANT_ID`: the directory (tenant) id. */
  tenantId: string;
  /** `HL7GW_ENTRA_AUDIENCE`: comma-separated accepted `aud` values (app id URI, client id). */
  audiences: string[];
  /** `HL7GW_ENTRA_JWKS_URL`: the key set; the tenant's v2.0 keys endpoint by default. */
  jwksUrl: string;
  /** The accepted `iss` values: the tenant's v2.0 and v1.0 issuers. */
  issuers: string[];
  /**
   * `HL7GW_ENTRA_FACILITIES`: JSON object from a principal's `oid`, `azp` or `appid` to the
   * MSH-4 facilities it may submit for (a list, or `"*"`). Absent: none.
   */
  facilities: Record<string, string[] | typeof ALL_FACILITIES>;
  /** Accepted clock difference on `exp` and `nbf`. */
  clockToleranceSeconds: number;
  /** Least time between two key-set fetches caused by unknown key ids. */
  jwksCooldownMs: number;
}

const TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/;

/**
 * Reads the Entra settings; `undefined` when `HL7GW_ENTRA_TENANT_ID` is absent (bearer
 * tokens are then refused).
 * @throws ConfigError naming the setting at fault.
 */
export function parseEntraSettings(env: Environment): EntraSettings | undefined {
  const tenantId = env.HL7GW_ENTRA_TENANT_ID?.trim() ?? '';
  if (tenantId === '') return undefined;
  if (!TENANT.test(tenantId)) {
    throw new ConfigError('HL7GW_ENTRA_TENANT_ID', 'must be a tenant id or domain');
  }
  const audiences = (env.HL7GW_ENTRA_AUDIENCE ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '');
  if (audiences.length === 0) {
    throw new ConfigError('HL7GW_ENTRA_AUDIENCE', 'is required with HL7GW_ENTRA_TENANT_ID');
  }
  const jwksUrl =
    env.HL7GW_ENTRA_JWKS_URL?.trim() ||
    `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`;
  try {
    new URL(jwksUrl);
  } catch {
    throw new ConfigError('HL7GW_ENTRA_JWKS_URL', 'must be a URL');
  }

  return {
    tenantId,
    audiences,
    jwksUrl,
    issuers: [
      `https://login.microsoftonline.com/${tenantId}/v2.0`,
      `https://sts.windows.net/${tenantId}/`,
    ],
    facilities: parseFacilities(env.HL7GW_ENTRA_FACILITIES),
    clockToleranceSeconds: ENTRA_DEFAULTS.clockToleranceSeconds,
    jwksCooldownMs: ENTRA_DEFAULTS.jwksCooldownMs,
  };
}

function parseFacilities(text: string | undefined): EntraSettings['facilities'] {
  if (text === undefined || text.trim() === '') return {};
  const fail = () =>
    new ConfigError(
      'HL7GW_ENTRA_FACILITIES',
      'must be a JSON object of id to facility list or "*"',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw fail();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw fail();
  const facilities: EntraSettings['facilities'] = {};
  for (const [id, value] of Object.entries(parsed)) {
    if (value === ALL_FACILITIES) facilities[id] = ALL_FACILITIES;
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      facilities[id] = value as string[];
    } else throw fail();
  }
  return facilities;
}

/** Checks bearer tokens against one tenant. */
export class EntraTokenVerifier {
  readonly #settings: EntraSettings;
  readonly #keys: ReturnType<typeof createRemoteJWKSet>;

  /** @param settings As `parseEntraSettings` reads them. */
  constructor(settings: EntraSettings) {
    this.#settings = settings;
    this.#keys = createRemoteJWKSet(new URL(settings.jwksUrl), {
      cooldownDuration: settings.jwksCooldownMs,
      cacheMaxAge: ENTRA_DEFAULTS.jwksCacheMaxAgeMs,
      timeoutDuration: ENTRA_DEFAULTS.jwksTimeoutMs,
    });
  }

  /**
   * The principal a token stands for.
   * @throws GatewayError `UNAUTHENTICATED` for a token that is malformed, badly signed,
   *   expired, for another audience or issuer, or names no principal;
   *   `DEPENDENCY_UNAVAILABLE` when the key set cannot be fetched.
   */
  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#keys, {
        issuer: this.#settings.issuers,
        audience: this.#settings.audiences,
        algorithms: ['RS256'],
        clockTolerance: this.#settings.clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw toAuthError(error);
    }

    const id = stringClaim(payload, 'oid') ?? stringClaim(payload, 'sub');
    if (id === undefined) {
      throw new GatewayError('UNAUTHENTICATED', 'The bearer token names no principal');
    }
    const roles = Array.isArray(payload.roles) ? payload.roles.filter(isRole) : [];
    const appId = stringClaim(payload, 'azp') ?? stringClaim(payload, 'appid');
    const granted =
      this.#settings.facilities[id] ??
      (appId === undefined ? undefined : this.#settings.facilities[appId]);

    return {
      scheme: 'entra',
      id,
      roles: new Set(roles),
      facilities: granted === ALL_FACILITIES ? ALL_FACILITIES : new Set(granted ?? []),
    };
  }
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function toAuthError(error: unknown): GatewayError {
  if (error instanceof errors.JWTExpired) {
    return new GatewayError('UNAUTHENTICATED', 'The bearer token has expired', { cause: error });
  }
  if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
    // The key set could not be read: the token may be fine, the gateway cannot tell now.
    return new GatewayError(
      'DEPENDENCY_UNAVAILABLE',
      'The identity provider keys are unavailable',
      {
        cause: error,
      },
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new GatewayError(
      'UNAUTHENTICATED',
      `The bearer token's ${error.claim} claim is not accepted`,
      {
        cause: error,
      },
    );
  }
  return new GatewayError('UNAUTHENTICATED', 'The bearer token is not valid', { cause: error });
}
