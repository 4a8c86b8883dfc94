/**
 * Who is who in a FHIR transaction built from a result document: identifier systems from HL7
 * assigning authorities (the HD data type of v2.5.1 chapter 2A), deterministic `urn:uuid:` full
 * URLs, and conditional-update URLs (FHIR R4 http.html "conditional update" and search.html
 * "escaping search parameters"), so that a re-delivered message updates what it created before.
 */
import { hash } from 'node:crypto';

import type * as fhir4 from 'fhir/r4.js';

import type { HierarchicDesignator } from './result-document.js';

/** The base of identifier systems for assigning authorities with no URI of their own. */
export const DEFAULT_IDENTIFIER_SYSTEM_BASE = 'urn:hl7gw:id:';

const NHS_NUMBER = 'https://fhir.nhs.uk/Id/nhs-number';
const US_NPI = 'http://hl7.org/fhir/sid/us-npi';
const GMC_NUMBER = 'https://fhir.hl7.org.uk/Id/gmc-number';

/** Assigning authorities, by namespace or OID, whose identifiers have a published FHIR system. */
const KNOWN_AUTHORITIES: ReadonlyMap<string, string> = new Map([
  ['NHS', NHS_NUMBER],
  ['2.16.840.1.113883.2.1.4.1', NHS_NUMBER],
  ['NPI', US_NPI],
  ['2.16.840.1.113883.4.6', US_NPI],
  ['GMC', GMC_NUMBER],
]);

const OID = /^[0-2](\.(0|[1-9]\d*))+$/;
const URI = /^(https?:\/\/|urn:)/i;

/** An identifier with the two parts a conditional reference needs. */
export interface KeyIdentifier {
  /** The identifier system, a URI. */
  system: string;
  /** The identifier value. */
  value: string;
}

/**
 * The FHIR identifier system for an HL7 assigning authority: a published system for the
 * authorities that have one (`NHS` → `https://fhir.nhs.uk/Id/nhs-number`, `NPI`, `GMC`, or
 * their OIDs); `urn:oid:` for an OID in HD-2; HD-2 itself when it is a URI; otherwise a system
 * under `base` named by HD-2 or HD-1, percent-encoded. Undefined when the authority is empty.
 */
export function identifierSystem(
  authority: HierarchicDesignator | undefined,
  base: string,
): string | undefined {
  const { namespaceId, universalId } = authority ?? {};
  for (const name of [universalId, namespaceId]) {
    const known = name && KNOWN_AUTHORITIES.get(name.trim().toUpperCase());
    if (known) return known;
  }

  if (universalId !== undefined && OID.test(universalId.trim())) {
    return `urn:oid:${universalId.trim()}`;
  }
  if (universalId !== undefined && URI.test(universalId.trim())) return universalId.trim();
  const local = universalId ?? namespaceId;
  return local === undefined ? undefined : base + encodeURIComponent(local.trim());
}

/**
 * A `urn:uuid:` full URL derived from the resource type and its key identifier: the first 128
 * bits of a SHA-256 digest, marked as an RFC 9562 version 8 (custom) UUID. The same resource
 * type and identifier always give the same URL, in this run and every other.
 */
export function fullUrlFor(resourceType: string, key: KeyIdentifier): string {
  return fullUrlOf(fullUrlInput(resourceType, key));
}

/** What `fullUrlFor` digests: equal exactly when resource type, system and value all are. */
export function fullUrlInput(resourceType: string, key: KeyIdentifier): string {
  return JSON.stringify([resourceType, key.system, key.value]);
}

/** The full URL for a `fullUrlInput`; see `fullUrlFor`. */
export function fullUrlOf(input: string): string {
  // The one-shot digest: a Hash object per resource cost more than the digest itself.
  const bytes = hash('sha256', input, 'buffer').subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;

  const hex = bytes.toString('hex');
  const groups = [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20)];
  return `urn:uuid:${groups.join('-')}-${hex.slice(20)}`;
}

/**
 * The conditional-update request for a resource with this key identifier:
 * `PUT Patient?identifier=system|value`. The system and value are escaped as FHIR search
 * tokens (a backslash before `\`, `|`, `,` and `$`) and percent-encoded, except the characters
 * a query may hold as they are (`:`, `/`, `@`).
 */
export function conditionalUpdate(
  resourceType: string,
  key: KeyIdentifier,
): fhir4.BundleEntryRequest {
  const token = `${queryText(key.system)}|${queryText(key.value)}`;
  return { method: 'PUT', url: `${resourceType}?identifier=${token}` };
}

/**
 * Text that `queryText` returns as it is: nothing to escape as a token, and nothing that
 * encodeURIComponent encodes other than the `:`, `/` and `@` a query may hold.
 */
const QUERY_SAFE = /^[A-Za-z0-9\-_.!~*'():/@]*$/;

function queryText(text: string): string {
  if (QUERY_SAFE.test(text)) return text;
  const escaped = text.replace(/[\\|,$]/g, (c) => `\\${c}`);
  return encodeURIComponent(escaped).replace(/%3A/g, ':').replace(/%2F/g, '/').replace(/%40/g, '@');
}
