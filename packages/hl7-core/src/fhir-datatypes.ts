/**
 * Result-document data types as FHIR R4 data types, following the data type maps of the HL7
 * Version 2 to FHIR guide: CWE → CodeableConcept, XPN → HumanName, XAD → Address, XTN →
 * ContactPoint, NM with units → Quantity, NTE → Annotation.
 */
import type * as fhir4 from 'fhir/r4.js';

import { addressUseOf, contactPointKindOf, nameUseOf } from './fhir-terminology.js';
import type {
  Address,
  CodeableConcept,
  Coding,
  ContactPoint,
  HumanName,
  Note,
} from './result-document.js';

/** The URI of UCUM, the unit system FHIR quantities prefer. */
export const UCUM = 'http://unitsofmeasure.org';

/** The extension FHIR uses for a required element whose value is missing. */
export const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

/** `value` without its undefined properties, so the JSON holds only what was sent. */
export function defined<T extends object>(value: T): T {
  // for...in with an own-property check reads as Object.keys would, but lets V8 use its enum
  // cache; Object.entries + fromEntries (two arrays per property) was a fifth of the mapping.
  const out: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const key in source) {
    if (!hasOwn.call(source, key)) continue;
    const v = source[key];
    if (v !== undefined) out[key] = v;
  }
  return out as T;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** A list, or undefined when it is empty. */
export function nonEmpty<T>(items: readonly (T | undefined)[] | undefined): T[] | undefined {
  const present = (items ?? []).filter((item): item is T => item !== undefined);
  return present.length === 0 ? undefined : present;
}

/**
 * A coded concept (CWE, CE, CNE) as a CodeableConcept: each coding with its system URI when
 * the coding system is known (see `codeSystemUri`), CWE-9 as the text. A coding with a display
 * and no code becomes the text when CWE-9 is empty. Undefined when nothing is left.
 */
export function codeableConcept(
  concept: CodeableConcept | undefined,
): fhir4.CodeableConcept | undefined {
  if (concept === undefined) return undefined;
  const codings = nonEmpty(concept.codings.map(coding));
  const uncoded = concept.codings.find((c) => c.code === undefined && c.display !== undefined);
  const text = concept.text ?? uncoded?.display;
  if (codings === undefined && text === undefined) return undefined;
  return defined({ coding: codings, text });
}

/** A coding with a code as a FHIR Coding; a local system without a URI is left out. */
export function coding(source: Coding): fhir4.Coding | undefined {
  if (source.code === undefined) return undefined;
  return defined({
    system: source.system,
    version: source.version,
    code: source.code,
    display: source.display,
  });
}

/**
 * A CodeableConcept for a required element: the concept, or one that carries only a
 * data-absent-reason extension (`unknown`) when the message sent none.
 */
export function requiredConcept(concept: CodeableConcept | undefined): fhir4.CodeableConcept {
  return codeableConcept(concept) ?? { extension: [absentReason('unknown')] };
}

function absentReason(code: string): fhir4.Extension {
  return { url: DATA_ABSENT_REASON, valueCode: code };
}

/** XPN as a HumanName; XPN-7 sets the use (table 0200 map), XPN-6 joins the suffixes. */
export function humanName(name: HumanName): fhir4.HumanName | undefined {
  const result = defined({
    use: name.type === undefined ? undefined : nameUseOf(name.type),
    family: name.family,
    given: name.given,
    prefix: nonEmpty([name.prefix]),
    suffix: nonEmpty([name.suffix, name.degree]),
  });
  return result.family === undefined && result.given === undefined ? undefined : result;
}

/** XAD as an Address; XAD-7 sets the use or type (table 0190 map), XAD-9 the district. */
export function address(source: Address): fhir4.Address {
  return defined({
    ...(source.type === undefined ? {} : addressUseOf(source.type)),
    line: source.lines,
    city: source.city,
    district: source.county,
    state: source.state,
    postalCode: source.postalCode,
    country: source.country,
  });
}

/**
 * XTN as a ContactPoint: the e-mail address (XTN-4) for internet equipment, else the number
 * built from XTN-5 to XTN-8 (`+44 29 2074 7747 ext. 12`), else the free text of XTN-1.
 * XTN-2 and XTN-3 set the use and system (tables 0201 and 0202); without XTN-3 the system is
 * `email` for an address with `@` and `phone` otherwise; `fallbackUse` applies when they give
 * no use. Undefined when there is no value.
 */
export function contactPoint(
  source: ContactPoint,
  fallbackUse?: fhir4.ContactPoint['use'],
): fhir4.ContactPoint | undefined {
  const kind = contactPointKindOf(source.use, source.equipmentType);
  let system = kind.system;
  let value: string | undefined;
  if (system === 'email') {
    value = source.email ?? source.text;
  } else if (source.localNumber !== undefined) {
    value = telephoneNumber(source);
  } else if (source.email !== undefined) {
    system = 'email';
    value = source.email;
  } else {
    value = source.text;
  }
  if (value === undefined) return undefined;
  // FHIR requires a system with a value; XTN-3 is often empty on a plain telephone number.
  system ??= value.includes('@') ? 'email' : 'phone';

  return defined({ system, value, use: kind.use ?? fallbackUse });
}

function telephoneNumber(source: ContactPoint): string {
  const country = source.countryCode === undefined ? undefined : `+${source.countryCode}`;
  const number = [country, source.areaCode, source.localNumber].filter(Boolean).join(' ');
  return source.extension === undefined ? number : `${number} ext. ${source.extension}`;
}

/**
 * A number with OBX-6 units as a Quantity. The unit code and system are set only when the
 * units name a known code system (UCUM: `http://unitsofmeasure.org`), as FHIR requires a
 * system with a code; otherwise the units stay as text in `unit`.
 */
export function quantity(value: number, units: Coding | undefined): fhir4.Quantity {
  const unit = units?.display ?? units?.code;
  if (units?.system === undefined || units.code === undefined) return defined({ value, unit });
  return defined({ value, unit, system: units.system, code: units.code });
}

/** NTE segments as Annotations, one per note; blank lines are dropped. */
export function annotations(notes: readonly Note[] | undefined): fhir4.Annotation[] | undefined {
  return nonEmpty(
    (notes ?? []).map((note) => (note.text.trim() === '' ? undefined : { text: note.text })),
  );
}
