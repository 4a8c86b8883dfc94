/**
 * The result document (`urn:hl7gw:result:1`) as a FHIR R4 transaction Bundle, following the
 * HL7 Version 2 to FHIR guide's ORU_R01 map (http://hl7.org/fhir/uv/v2mappings).
 */
import { createHash } from 'node:crypto';

import type * as fhir4 from 'fhir/r4.js';

import { BundleEntries, type FhirMappingContext } from './fhir-context.js';
import { assertTimeZone } from './fhir-datetime.js';
import { DEFAULT_IDENTIFIER_SYSTEM_BASE, type KeyIdentifier } from './fhir-identity.js';
import { addOrder } from './fhir-order.js';
import { addPatient } from './fhir-patient.js';
import type { ResultDocument } from './result-document.js';

/** How `toFhirBundle` names things the message leaves open. */
export interface FhirBundleOptions {
  /**
   * The base of identifier systems for assigning authorities that have no URI of their own
   * (neither a known system, an OID nor a URI): the authority's name is appended,
   * percent-encoded. Default `urn:hl7gw:id:`.
   */
  readonly identifierSystemBase?: string;
  /**
   * The sender's IANA time zone (`Europe/London`), used for times sent without a UTC offset.
   * FHIR needs an offset on every time of day; without this option such times keep only their
   * date (and a DTM value in OBX-5 becomes a string).
   */
  readonly timeZone?: string;
}

/**
 * Maps a result document to a FHIR R4 `transaction` Bundle: a Patient, a Practitioner for each
 * identified ordering provider, and per order a ServiceRequest, a Specimen per SPM, an
 * Observation per OBX and a DiagnosticReport.
 *
 * Every entry is a conditional update (`PUT Patient?identifier=system|value`) on a business
 * identifier, or on one derived from them (see `addOrder` and `addObservation`), so that a
 * message delivered twice updates what it created instead of duplicating it. Each `fullUrl` is
 * a `urn:uuid:` derived from the resource type and that identifier, and references between
 * entries use them: the same document always gives byte-identical JSON, and a later message
 * about the same patient gives the same Patient `fullUrl`.
 *
 * @throws RangeError when `options.timeZone` is not an IANA time zone name.
 */
export function toFhirBundle(doc: ResultDocument, options: FhirBundleOptions = {}): fhir4.Bundle {
  if (options.timeZone !== undefined) assertTimeZone(options.timeZone);
  const systemBase = options.identifierSystemBase ?? DEFAULT_IDENTIFIER_SYSTEM_BASE;

  const context: FhirMappingContext = {
    systemBase,
    timeZone: options.timeZone,
    sendingFacility: doc.source.sendingFacility,
    messageKey: messageKey(doc, systemBase),
    entries: new BundleEntries(),
  };
  const subject = addPatient(context, doc.patient);
  doc.orders.forEach((order, index) => addOrder(context, order, index, subject));

  return { resourceType: 'Bundle', type: 'transaction', entry: context.entries.toArray() };
}

/**
 * An identifier for the message: MSH-4 and MSH-10, or, without a control id, a digest of the
 * document, so a re-delivery still finds the resources that only the message identifies.
 */
function messageKey(doc: ResultDocument, systemBase: string): KeyIdentifier {
  const facility = doc.source.sendingFacility;
  const sender = facility?.universalId ?? facility?.namespaceId ?? '';
  const controlId =
    doc.source.controlId ??
    createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 32);
  return { system: `${systemBase}message`, value: `${sender}/${controlId}` };
}
