import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isGatewayError } from '../gateway-error.js';
import { EntraTokenVerifier, parseEntraSettings, type EntraSettings } from './entra.js';

const TENANT = '11111111-2222-3333-4444-555555555555';
const AUDIENCE = 'api://hl7gw';
const ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function makeKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return {
    kid,
    privateKey,
    jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
}

/** A JWKS endpoint on 127.0.0.1 serving whatever keys the test puts in `published`. */
let server: Server;
let jwksUrl: string;
let published: JWK[] = [];
let fetches = 0;

beforeAll(async () => {
  server = createServer((_request, response) => {
    fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function settings(overrides: Partial<EntraSettings> = {}): EntraSettings {
  const parsed = parseEntraSettings({
    HL7GW_ENTRA_TENANT_ID: TENANT,
    HL7GW_ENTRA_AUDIENCE: AUDIENCE,
    HL7GW_ENTRA_JWKS_URL: jwksUrl,
    HL7GW_ENTRA_FACILITIES: JSON.stringify({ 'app-riverside': ['RIVERSIDE'] }),
  }) as EntraSettings;
  return { ...parsed, jwksCooldownMs: 0, ...overrides };
}

async function token(
  key: SigningKey,
  claims: Record<string, unknown> = {},
  options: { expiresInSeconds?: number; issuer?: string; audience?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ oid: 'object-1', azp: 'app-riverside', roles: ['Results.Read'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(now - 10)
    .setExpirationTime(now + (options.expiresInSeconds ?? 600))
    .sign(key.privateKey);
}

async function refusal(verifier: EntraTokenVerifier, jwt: string): Promise<string> {
  try {
    await verifier.verify(jwt);
    return 'accepted';
  } catch (error) {
    return isGatewayError(error) ? `${error.code}: ${error.message}` : String(error);
  }
}

describe('Entra ID bearer tokens', () => {
  it('accepts a token of the tenant and audience, reading roles, object id and facilities', async () => {
    const key = await makeKey('k1');
    published = [key.jwk];
    const verifier = new EntraTokenVerifier(settings());

    const principal = await verifier.verify(
      await token(key, { roles: ['Results.Submit', 'Not.A.Role'] }),
    );
    expect(principal).toMatchObject({ scheme: 'entra', id: 'object-1' });
    expect([...principal.roles]).toEqual(['Results.Submit']);
    expect(principal.facilities).toEqual(new Set(['RIVERSIDE']));
  });

  it.each([
    ['another audience', { audience: 'api://someone-else' }, /aud/],
    ['another issuer', { issuer: 'https://login.microsoftonline.com/other/v2.0' }, /iss/],
    ['an expiry past the clock skew', { expiresInSeconds: -120 }, /expired/],
  ])('refuses a token with %s', async (_name, options, message) => {
    const key = await makeKey('k-refuse');
    published = [key.jwk];
    const answer = await refusal(new EntraTokenVerifier(settings()), await token(key, {}, options));
    expect(answer).toMatch(/^UNAUTHENTICATED/);
    expect(answer).toMatch(message);
  });

  it('accepts a token expired by less than the clock skew', async () => {
    const key = await makeKey('k-skew');
    published = [key.jwk];
    const jwt = await token(key, {}, { expiresInSeconds: -20 });
    await expect(new EntraTokenVerifier(settings()).verify(jwt)).resolves.toMatchObject({
      id: 'object-1',
    });
  });

  it('refuses a token signed by a key that merely borrows a published kid', async () => {
    const real = await makeKey('shared-kid');
    const forger = await makeKey('shared-kid');
    published = [real.jwk];
    const answer = await refusal(new EntraTokenVerifier(settings()), await token(forger));
    expect(answer).toMatch(/^UNAUTHENTICATED/);
  });

  it('caches the key set, and fetches it again when a token names a new kid', async () => {
    const old = await makeKey('old');
    published = [old.jwk];
    const verifier = new EntraTokenVerifier(settings());
    const before = fetches;
    await verifier.verify(await token(old));
    await verifier.verify(await token(old));
    expect(fetches - before).toBe(1);

    const rotated = await makeKey('rotated');
    published = [old.jwk, rotated.jwk];
    await expect(verifier.verify(await token(rotated))).resolves.toMatchObject({ id: 'object-1' });
    expect(fetches - before).toBe(2);
  });

  it('answers DEPENDENCY_UNAVAILABLE when the key set cannot be fetched', async () => {
    const key = await makeKey('k-down');
    const verifier = new EntraTokenVerifier(settings({ jwksUrl: 'http://127.0.0.1:1/keys' }));
    expect(await refusal(verifier, await token(key))).toMatch(/^DEPENDENCY_UNAVAILABLE/);
  });

  it('is off without a tenant, and needs an audience with one', () => {
    expect(parseEntraSettings({})).toBeUndefined();
    expect(() => parseEntraSettings({ HL7GW_ENTRA_TENANT_ID: TENANT })).toThrow(
      /HL7GW_ENTRA_AUDIENCE/,
    );
  });
});
