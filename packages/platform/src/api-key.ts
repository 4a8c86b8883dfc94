/**
 * API-key checking for the HTTP functions. The keys arrive from configuration; only their
 * SHA-256 hashes are kept in memory, and a presented key is compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import { GatewayError } from './gateway-error.js';

/** The header a client sends its key in. */
export const API_KEY_HEADER = 'x-api-key';

/** Who a key belongs to. */
export interface ApiKeyClient {
  /** The client id written to status records and audit entries. */
  readonly clientId: string;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Checks presented API keys against a set of configured ones. */
export class ApiKeyVerifier {
  readonly #keys: { hash: Buffer; client: ApiKeyClient }[];

  /** @param keys Each configured key with its client; the key text itself is not retained. */
  constructor(keys: readonly { key: string; clientId: string }[]) {
    this.#keys = keys
      .filter(({ key }) => key.length > 0)
      .map(({ key, clientId }) => ({ hash: sha256(key), client: { clientId } }));
  }

  /**
   * The client a presented key belongs to.
   * @throws GatewayError `UNAUTHENTICATED` when the key is absent or matches none.
   */
  verify(presented: string | null | undefined): ApiKeyClient {
    if (!presented)
      throw new GatewayError('UNAUTHENTICATED', `The ${API_KEY_HEADER} header is missing`);

    // Every configured hash is compared, matching or not, so timing says nothing about which.
    const hash = sha256(presented);
    let found: ApiKeyClient | undefined;
    for (const key of this.#keys) {
      if (timingSafeEqual(hash, key.hash)) found = key.client;
    }
    if (!found)
      throw new GatewayError('UNAUTHENTICATED', `The ${API_KEY_HEADER} header names no known key`);
    return found;
  }
}
