/**
 * What every resource mapper shares while one result document becomes one FHIR R4 transaction
 * Bundle: the options, the sender, and the entries gathered so far, each keyed by an
 * identifier (FHIR R4 http.html, "transaction" processing rules).
 */
import type * as fhir4 from 'fhir/r4.js';

import {
  conditionalUpdate,
  fullUrlInput,
  fullUrlOf,
  identifierSystem,
  type KeyIdentifier,
} from './fhir-identity.js';
import type { EntityIdentifier, HierarchicDesignator } from './result-document.js';

/** The settings and state one mapping run shares. */
export interface FhirMappingContext {
  /** The base of identifier systems for authorities with no URI of their own. */
  readonly systemBase: string;
  /** The sender's IANA time zone, for times sent without a UTC offset. */
  readonly timeZone: string | undefined;
  /** MSH-4, taken as the issuer of identifiers that name no assigning authority. */
  readonly sendingFacility: HierarchicDesignator | undefined;
  /** An identifier for the message itself (MSH-4 and MSH-10), for resources with no other. */
  readonly messageKey: KeyIdentifier;
  /** The entries gathered so far. */
  readonly entries: BundleEntries;
}

/**
 * The system for an identifier issued by `authority`, or, when it names none, by the sending
 * facility (MSH-4); `<base>local` when neither is known.
 */
export function systemFor(context: FhirMappingContext, authority?: HierarchicDesignator): string {
  return (
    identifierSystem(authority, context.systemBase) ??
    identifierSystem(context.sendingFacility, context.systemBase) ??
    `${context.systemBase}local`
  );
}

/** An EI (an order or specimen number) as a key identifier; undefined without EI-1. */
export function entityKey(
  context: FhirMappingContext,
  ei: EntityIdentifier | undefined,
): KeyIdentifier | undefined {
  if (ei?.id === undefined) return undefined;
  const authority: HierarchicDesignator = {};
  if (ei.namespaceId !== undefined) authority.namespaceId = ei.namespaceId;
  if (ei.universalId !== undefined) authority.universalId = ei.universalId;
  if (ei.universalIdType !== undefined) authority.universalIdType = ei.universalIdType;
  return { system: systemFor(context, authority), value: ei.id };
}

/**
 * The entries of the Bundle in the order they were added, one per full URL. Each is a
 * conditional update on its key identifier, under a full URL derived from the same key.
 */
export class BundleEntries {
  private readonly byFullUrl = new Map<string, fhir4.BundleEntry>();
  /** The last full URL digested, by its `fullUrlInput`: `add` asks for the one `unique` found. */
  private lastInput = '';
  private lastFullUrl = '';

  /**
   * `key`, or, when a resource of this type already holds it, `key` with `~2`, `~3`, ...
   * appended to its value: for resources that must stay apart even when the message gives two
   * of them the same identity (two OBRs with one filler order number and one code).
   */
  unique(resourceType: string, key: KeyIdentifier): KeyIdentifier {
    let candidate = key;
    for (let n = 2; this.byFullUrl.has(this.fullUrlFor(resourceType, candidate)); n++) {
      candidate = { system: key.system, value: `${key.value}~${n}` };
    }
    return candidate;
  }

  /**
   * Adds `resource` under `key`, unless an entry with the same full URL is there already (the
   * same practitioner or specimen named twice), and returns a reference to the entry.
   */
  add(resource: fhir4.FhirResource, key: KeyIdentifier): fhir4.Reference {
    const fullUrl = this.fullUrlFor(resource.resourceType, key);
    if (!this.byFullUrl.has(fullUrl)) {
      const request = conditionalUpdate(resource.resourceType, key);
      this.byFullUrl.set(fullUrl, { fullUrl, resource, request });
    }
    return { reference: fullUrl };
  }

  /** The entries, in the order they were first added. */
  toArray(): fhir4.BundleEntry[] {
    return [...this.byFullUrl.values()];
  }

  private fullUrlFor(resourceType: string, key: KeyIdentifier): string {
    const input = fullUrlInput(resourceType, key);
    if (input !== this.lastInput) {
      this.lastFullUrl = fullUrlOf(input);
      this.lastInput = input;
    }
    return this.lastFullUrl;
  }
}
