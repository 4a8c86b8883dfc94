/**
 * One authentication step for every route: `Authorization: Bearer <token>` is checked as
 * an Entra ID token, `x-api-key` as an API key; anything else is a 401.
 */
import { GatewayError } from '../gateway-error.js';
import { API_KEY_HEADER_NAME, type ApiKeyDirectory } from './api-key-directory.js';
import type { EntraTokenVerifier } from './entra.js';
import type { Principal } from './principal.js';

/** The request headers authentication reads. */
export interface CredentialHeaders {
  get(name: string): string | null;
}

/** Authenticates requests by bearer token or API key. */
export class Authenticator {
  /**
   * @param apiKeys The API-key clients.
   * @param entra The token verifier; without one, bearer tokens are refused.
   */
  constructor(
    private readonly apiKeys: ApiKeyDirectory,
    private readonly entra: EntraTokenVerifier | undefined,
  ) {}

  /**
   * The caller a request's credentials name.
   * @throws GatewayError `UNAUTHENTICATED` when there are none or they are not valid;
   *   `DEPENDENCY_UNAVAILABLE` when the identity provider's keys cannot be read.
   */
  async authenticate(headers: CredentialHeaders): Promise<Principal> {
    const authorization = headers.get('authorization');
    if (authorization !== null) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (match?.[1] === undefined) {
        throw new GatewayError(
          'UNAUTHENTICATED',
          'The Authorization header must be a Bearer token',
        );
      }
      if (this.entra === undefined) {
        throw new GatewayError('UNAUTHENTICATED', 'Bearer tokens are not accepted here');
      }
      return this.entra.verify(match[1]);
    }

    const key = headers.get(API_KEY_HEADER_NAME);
    if (key !== null && key !== '') return this.apiKeys.verify(key);
    throw new GatewayError(
      'UNAUTHENTICATED',
      `Send a Bearer token or an ${API_KEY_HEADER_NAME} header`,
    );
  }
}
