/**
 * The delivery allow-list (`HL7GW_DELIVERY_ALLOWLIST`), the guard against server-side request
 * forgery: a destination's host must be listed, and a connection may reach a loopback,
 * private, link-local or otherwise non-public address only when that address (or a range
 * holding it) is listed too. Addresses are checked after name resolution, on the address
 * actually connected to, so a name that resolves to an internal address is refused.
 *
 * Entries, comma-separated: host names (`ehr.example.org`), wildcards (`*.example.org`, any
 * subdomain, not the apex), IP addresses (`127.0.0.1`, `::1`) and CIDR ranges (`10.1.0.0/16`).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

import { ConfigError, type Environment } from '@hl7gw/platform';

/** The setting holding the allow-list. */
export const ALLOWLIST_SETTING = 'HL7GW_DELIVERY_ALLOWLIST';

/** Why a destination was refused: a code for logs and dead-letter descriptions. */
export const NOT_ALLOWED = 'DESTINATION_NOT_ALLOWED';

/** The refusal of a host or address, with `code` `DESTINATION_NOT_ALLOWED`. */
export class DestinationNotAllowedError extends Error {
  /** Always `DESTINATION_NOT_ALLOWED`. */
  readonly code = NOT_ALLOWED;

  constructor(what: 'host' | 'address') {
    super(`the destination ${what} is not on ${ALLOWLIST_SETTING}`);
    this.name = 'DestinationNotAllowedError';
  }
}

// Address space that is not the public internet: loopback, RFC 1918, CGNAT, link-local
// (cloud metadata lives there), unspecified, multicast and reserved, and their IPv6 peers.
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** A parsed allow-list. */
export class AllowList {
  readonly #hosts = new Set<string>();
  readonly #suffixes: string[] = [];
  readonly #addresses = new BlockList();
  readonly #empty: boolean;

  /** @throws ConfigError naming `setting` when an entry is neither a host, an address nor a CIDR. */
  constructor(entries: readonly string[], setting = ALLOWLIST_SETTING) {
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase();
      if (entry === '') continue;
      const [address, prefixText] = entry.split('/');
      const family = isIP(unbracket(address ?? ''));
      if (family !== 0) {
        const type = family === 4 ? 'ipv4' : 'ipv6';
        const ip = unbracket(address as string);
        if (prefixText === undefined) {
          this.#addresses.addAddress(ip, type);
          this.#hosts.add(ip);
          continue;
        }
        const prefix = Number(prefixText);
        if (!/^\d{1,3}$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) {
          throw new ConfigError(setting, 'has a CIDR range with a bad prefix length');
        }
        this.#addresses.addSubnet(ip, prefix, type);
      } else if (/^\*\.[a-z0-9.-]+$/.test(entry)) {
        this.#suffixes.push(entry.slice(1));
      } else if (/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(entry)) {
        this.#hosts.add(entry);
      } else {
        throw new ConfigError(setting, 'has an entry that is not a host, address or CIDR range');
      }
    }
    this.#empty = this.#hosts.size === 0 && this.#suffixes.length === 0;
  }

  /** The allow-list in `env`; an absent setting allows nothing. */
  static fromEnv(env: Environment): AllowList {
    return new AllowList((env[ALLOWLIST_SETTING] ?? '').split(','));
  }

  /** True when `host` (a URL's hostname) may be a destination. */
  allowsHost(host: string): boolean {
    if (this.#empty) return false;
    const name = unbracket(host.toLowerCase()).replace(/\.$/, '');
    const family = isIP(name);
    if (family !== 0) {
      return this.#hosts.has(name) || this.#addresses.check(name, family === 4 ? 'ipv4' : 'ipv6');
    }
    return this.#hosts.has(name) || this.#suffixes.some((suffix) => name.endsWith(suffix));
  }

  /** True when a connection may go to `address`: public, or listed as an address or range. */
  allowsAddress(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.#addresses.check(address, type)) return true;
    const mapped = ipv4Mapped(address);
    if (mapped !== undefined) return this.allowsAddress(mapped);
    // IPv4-mapped addresses in hex form are refused rather than decoded.
    if (/^::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/i.test(address)) return false;
    return !NON_PUBLIC.check(address, type);
  }

  /**
   * A `lookup` for `net.connect`, `tls.connect` and `http.request` that resolves as usual
   * and fails with `DestinationNotAllowedError` when any address it found is not allowed.
   */
  lookup(): typeof dnsLookup {
    const guarded = (
      hostname: string,
      options: unknown,
      callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
    ) => {
      const wantsAll = typeof options === 'object' && options !== null && 'all' in options;
      dnsLookup(hostname, { all: true }, (error, addresses) => {
        if (error) return callback(error, wantsAll ? [] : '');
        if (addresses.length === 0 || addresses.some((a) => !this.allowsAddress(a.address))) {
          return callback(new DestinationNotAllowedError('address'), wantsAll ? [] : '');
        }
        const all = (options as { all?: boolean } | undefined)?.all === true;
        if (all) return callback(null, addresses);
        const [first] = addresses as [LookupAddress];
        return callback(null, first.address, first.family);
      });
    };
    return guarded as unknown as typeof dnsLookup;
  }

  /**
   * Checks a destination before connecting: its host is listed, and an address literal is
   * allowed (names are checked at resolution by `lookup`).
   * @throws DestinationNotAllowedError
   */
  check(url: URL): void {
    const host = unbracket(url.hostname);
    if (!this.allowsHost(host)) throw new DestinationNotAllowedError('host');
    if (isIP(host) !== 0 && !this.allowsAddress(host)) {
      throw new DestinationNotAllowedError('address');
    }
  }
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`), if it is one. */
function ipv4Mapped(address: string): string | undefined {
  const match = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return match?.[1];
}
