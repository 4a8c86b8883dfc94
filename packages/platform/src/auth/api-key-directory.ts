/**
 * The API-key clients, for systems that cannot do OAuth. Each client has an id, roles, the
 * sending facilities (MSH-4) it may submit for, and up to two active keys so a key can be
 * rotated without a gap. Only SHA-256 hashes of keys are configured and kept; a presented
 * key is hashed and compared with every configured hash in constant time.
 *
 * `HL7GW_API_KEYS` holds the clients as JSON (in Azure, a Key Vault reference resolving
 * to that JSON):
 *
 * ```json
 * [{ "clientId": "lab-riverside", "roles": ["Results.Submit", "Results.Read"],
 *    "facilities": ["RIVERSIDE"], "keyHashes": ["<64 hex digits>", "<64 hex digits>"] }]
 * ```
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import { ConfigError, type Environment } from '../config.js';
import { GatewayError } from '../gateway-error.js';
import { ALL_FACILITIES, type Principal } from './principal.js';
import { isRole, ROLES, type Role } from './roles.js';

/** The header a client sends its key in. */
export const API_KEY_HEADER_NAME = 'x-api-key';

/** The client id of `HL7GW_DEV_API_KEY`, which holds every role and every facility. */
export const DEV_API_CLIENT_ID = 'dev';

/** How many keys one client may have active at once (the current and the next). */
export const MAX_KEYS_PER_CLIENT = 2;

/** The shortest development key accepted: shorter ones are guessable. */
const MIN_DEV_KEY_LENGTH = 16;

const SHA256_HEX = /^[0-9a-f]{64}$/;
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** One configured client. */
export interface ApiKeyClientConfig {
  /** Written to status records and audit entries. */
  clientId: string;
  /** The roles its keys grant. */
  roles: Role[];
  /** The MSH-4 facilities it may submit for, or `"*"` for all. */
  facilities: string[] | typeof ALL_FACILITIES;
  /** Lower-case hex SHA-256 of each active key; one or two. */
  keyHashes: string[];
}

/** The hex SHA-256 of a key, as `keyHashes` holds it. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Reads `HL7GW_API_KEYS` (absent: no clients) and `HL7GW_DEV_API_KEY` (absent: no dev key).
 * @throws ConfigError naming the setting and the entry at fault, never echoing a value.
 */
export function parseApiKeyClients(env: Environment): ApiKeyClientConfig[] {
  const clients: ApiKeyClientConfig[] = [];
  const text = env.HL7GW_API_KEYS?.trim();
  if (text !== undefined && text !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ConfigError('HL7GW_API_KEYS', 'must be a JSON array of clients');
    }
    if (!Array.isArray(parsed)) {
      throw new ConfigError('HL7GW_API_KEYS', 'must be a JSON array of clients');
    }
    parsed.forEach((entry, index) => clients.push(readClient(entry, index)));
  }

  const devKey = env.HL7GW_DEV_API_KEY?.trim();
  if (devKey !== undefined && devKey !== '') {
    if (devKey.length < MIN_DEV_KEY_LENGTH) {
      throw new ConfigError(
        'HL7GW_DEV_API_KEY',
        `must be at least ${MIN_DEV_KEY_LENGTH} characters`,
      );
    }
    clients.push({
      clientId: DEV_API_CLIENT_ID,
      roles: [...ROLES],
      facilities: ALL_FACILITIES,
      keyHashes: [hashApiKey(devKey)],
    });
  }

  const ids = new Set<string>();
  for (const client of clients) {
    if (ids.has(client.clientId)) {
      throw new ConfigError('HL7GW_API_KEYS', `names client ${client.clientId} twice`);
    }
    ids.add(client.clientId);
  }
  return clients;
}

function readClient(entry: unknown, index: number): ApiKeyClientConfig {
  const fail = (problem: string) => new ConfigError('HL7GW_API_KEYS', `entry ${index}: ${problem}`);
  if (typeof entry !== 'object' || entry === null) throw fail('must be an object');
  const { clientId, roles, facilities, keyHashes } = entry as Record<string, unknown>;

  if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) {
    throw fail('clientId must be 1-64 letters, digits, . _ -');
  }
  if (clientId === DEV_API_CLIENT_ID) throw fail(`clientId ${DEV_API_CLIENT_ID} is reserved`);
  if (!Array.isArray(roles) || !roles.every(isRole)) {
    throw fail(`roles must be a list of ${ROLES.join(', ')}`);
  }
  const allFacilities = facilities === ALL_FACILITIES;
  if (!allFacilities && !(Array.isArray(facilities) && facilities.every(isFacility))) {
    throw fail('facilities must be "*" or a list of MSH-4 namespace ids');
  }
  if (
    !Array.isArray(keyHashes) ||
    keyHashes.length < 1 ||
    keyHashes.length > MAX_KEYS_PER_CLIENT ||
    !keyHashes.every((hash) => typeof hash === 'string' && SHA256_HEX.test(hash.toLowerCase()))
  ) {
    throw fail(`keyHashes must hold 1 to ${MAX_KEYS_PER_CLIENT} hex SHA-256 hashes`);
  }
  return {
    clientId,
    roles: [...new Set(roles)],
    facilities: allFacilities ? ALL_FACILITIES : [...(facilities as string[])],
    keyHashes: (keyHashes as string[]).map((hash) => hash.toLowerCase()),
  };
}

function isFacility(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 227;
}

/** Finds the client a presented key belongs to. */
export class ApiKeyDirectory {
  readonly #entries: { hash: Buffer; principal: Principal }[];

  /** @param clients The configured clients, as `parseApiKeyClients` reads them. */
  constructor(clients: readonly ApiKeyClientConfig[]) {
    this.#entries = clients.flatMap((client) => {
      const principal: Principal = {
        scheme: 'api-key',
        id: client.clientId,
        roles: new Set(client.roles),
        facilities:
          client.facilities === ALL_FACILITIES ? ALL_FACILITIES : new Set(client.facilities),
      };
      return client.keyHashes.map((hash) => ({ hash: Buffer.from(hash, 'hex'), principal }));
    });
  }

  /** How many keys are active across all clients. */
  get size(): number {
    return this.#entries.length;
  }

  /**
   * The principal a presented key belongs to.
   * @throws GatewayError `UNAUTHENTICATED` when the key matches none.
   */
  verify(presented: string): Principal {
    const hash = createHash('sha256').update(presented, 'utf8').digest();

    // Every hash is compared, matching or not, so the time taken says nothing about which.
    let found: Principal | undefined;
    for (const entry of this.#entries) {
      if (timingSafeEqual(hash, entry.hash)) found = entry.principal;
    }
    if (found === undefined) {
      throw new GatewayError(
        'UNAUTHENTICATED',
        `The ${API_KEY_HEADER_NAME} header names no known key`,
      );
    }
    return found;
  }
}
