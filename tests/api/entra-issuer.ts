/**
 * A stand-in for an Entra ID tenant's token service, for tests: RSA keys made here, their
 * JSON Web Key Set served on 127.0.0.1, and RS256 access tokens signed with them.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running issuer. */
export interface TestIssuer {
  /** The tenant id the tokens name. */
  tenantId: string;
  /** The key set's URL. */
  jwksUrl: string;
  /** A token for `audience` with `claims`; `expiresInSeconds` may be negative. */
  token(options: {
    audience: string;
    claims?: Record<string, unknown>;
    expiresInSeconds?: number;
  }): string;
  /** Stops serving the key set. */
  stop(): Promise<void>;
}

const TENANT_ID = '7f1c9d2e-0000-4000-8000-000000000001';

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Makes a key, serves its JWKS on an ephemeral port, and signs tokens with it. */
export async function startTestIssuer(): Promise<TestIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'test-key-1';
  const jwk = {
    ...(publicKey as KeyObject).export({ format: 'jwk' }),
    kid,
    alg: 'RS256',
    use: 'sig',
  };

  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    tenantId: TENANT_ID,
    jwksUrl: `http://127.0.0.1:${port}/discovery/v2.0/keys`,
    token({ audience, claims = {}, expiresInSeconds = 600 }) {
      const now = Math.floor(Date.now() / 1000);
      const header = base64url({ alg: 'RS256', typ: 'JWT', kid });
      const payload = base64url({
        iss: `https://login.microsoftonline.com/${TENANT_ID}/v2.0`,
        aud: audience,
        iat: now - 5,
        nbf: now - 5,
        exp: now + expiresInSeconds,
        oid: '3b0c8f7a-0000-4000-8000-00000000abcd',
        ...claims,
      });
      const signature = sign('sha256', Buffer.from(`${header}.${payload}`), privateKey);
      return `${header}.${payload}.${signature.toString('base64url')}`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
