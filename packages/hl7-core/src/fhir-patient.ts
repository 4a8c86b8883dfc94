/**
 * The people of a result document as FHIR R4 resources: PID (with NK1) → Patient and an XCN
 * provider → Practitioner, following the HL7 Version 2 to FHIR guide's PID → Patient, NK1 →
 * Patient.contact and XCN → Practitioner maps.
 */
import type * as fhir4 from 'fhir/r4.js';

import { type FhirMappingContext, systemFor } from './fhir-context.js';
import {
  address,
  codeableConcept,
  contactPoint,
  defined,
  humanName,
  nonEmpty,
} from './fhir-datatypes.js';
import { fhirDate, fhirDateTime, fhirDateTimeExact } from './fhir-datetime.js';
import type { KeyIdentifier } from './fhir-identity.js';
import { genderOf, v2TableSystem } from './fhir-terminology.js';
import type { Contact, Identifier, Patient, Provider } from './result-document.js';

/** The extension for a birth date's time of day (FHIR R4 core extension patient-birthTime). */
export const BIRTH_TIME_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/patient-birthTime';

const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

/**
 * Adds the Patient and returns a reference to it. It is keyed on its NHS number when it has
 * one, else on the first PID-3 identifier, else (no identifier sent) on one derived from the
 * message, which then joins `Patient.identifier`.
 *
 * PID-7 keeps its precision in `birthDate` (`1967`, `1967-03`, `1967-03-04`); a time of birth
 * goes in the patient-birthTime extension when its offset is known (sent, or from the time
 * zone option) and is dropped otherwise. PID-8 maps by table 0001, PID-29/30 give `deceased`,
 * PID-24/25 `multipleBirth`, NK1 segments `contact`.
 */
export function addPatient(context: FhirMappingContext, patient: Patient): fhir4.Reference {
  const identifiers = (patient.identifiers ?? []).map((cx) => identifier(context, cx));
  const business = identifiers.find((id) => id.system === NHS_NUMBER_SYSTEM) ?? identifiers[0];
  const key: KeyIdentifier =
    business?.system !== undefined && business.value !== undefined
      ? { system: business.system, value: business.value }
      : { system: context.messageKey.system, value: `${context.messageKey.value}/PID` };
  if (business === undefined) identifiers.push(key);

  const resource: fhir4.Patient = defined({
    resourceType: 'Patient' as const,
    identifier: identifiers,
    name: nonEmpty(patient.names?.map(humanName)),
    telecom: nonEmpty([
      ...(patient.phones ?? []).map((phone) => contactPoint(phone)),
      ...(patient.businessPhones ?? []).map((phone) => contactPoint(phone, 'work')),
    ]),
    gender: patient.sex === undefined ? undefined : genderOf(patient.sex),
    ...birth(context, patient.birthDate),
    ...deceased(context, patient),
    address: nonEmpty(patient.addresses?.map(address)),
    ...multipleBirth(patient),
    contact: nonEmpty(patient.contacts?.map(contact)),
  });
  return context.entries.add(resource, key);
}

/**
 * Adds a Practitioner for a provider with an identifier (XCN-1) and returns a reference to
 * it. A provider with a name and no identifier gets no resource of its own, since nothing
 * would match it again: the reference then carries the name as `display`. Undefined for a
 * provider with neither.
 */
export function addPractitioner(
  context: FhirMappingContext,
  provider: Provider | undefined,
): fhir4.Reference | undefined {
  if (provider === undefined) return undefined;
  const name = humanName({
    family: provider.family,
    given: provider.given,
    prefix: provider.prefix,
    suffix: provider.suffix,
    degree: provider.degree,
  });
  if (provider.id === undefined) {
    const display = [name?.prefix, name?.given, name?.family].flat().filter(Boolean).join(' ');
    return display === '' ? undefined : { display };
  }

  // An NPI is recognisable by its type alone (XCN-13) when XCN-9 names no authority.
  const authority =
    provider.assigningAuthority ??
    (provider.identifierType?.toUpperCase() === 'NPI' ? { namespaceId: 'NPI' } : undefined);
  const key: KeyIdentifier = { system: systemFor(context, authority), value: provider.id };
  const resource: fhir4.Practitioner = defined({
    resourceType: 'Practitioner' as const,
    identifier: [defined({ type: identifierType(provider.identifierType), ...key })],
    name: name === undefined ? undefined : [name],
  });
  return context.entries.add(resource, key);
}

/** CX as an Identifier: the system from CX-4 (or CX-6, or MSH-4), the type from CX-5. */
function identifier(context: FhirMappingContext, cx: Identifier): fhir4.Identifier {
  return defined({
    type: identifierType(cx.type),
    system: systemFor(context, cx.assigningAuthority ?? cx.assigningFacility),
    value: cx.value,
  });
}

function identifierType(code: string | undefined): fhir4.CodeableConcept | undefined {
  return code === undefined ? undefined : { coding: [{ system: v2TableSystem('0203'), code }] };
}

function birth(context: FhirMappingContext, birthDate: string | undefined): Partial<fhir4.Patient> {
  const date = birthDate === undefined ? undefined : fhirDate(birthDate);
  if (birthDate === undefined || date === undefined) return {};
  const time = birthDate.includes('T') ? fhirDateTimeExact(birthDate, context.timeZone) : undefined;
  if (time === undefined) return { birthDate: date };
  return {
    birthDate: date,
    _birthDate: { extension: [{ url: BIRTH_TIME_EXTENSION, valueDateTime: time }] },
  };
}

function deceased(context: FhirMappingContext, patient: Patient): Partial<fhir4.Patient> {
  const time = patient.deathTime && fhirDateTime(patient.deathTime, context.timeZone);
  if (time) return { deceasedDateTime: time };
  const indicator = patient.deathIndicator?.toUpperCase();
  return indicator === 'Y' || indicator === 'N' ? { deceasedBoolean: indicator === 'Y' } : {};
}

function multipleBirth(patient: Patient): Partial<fhir4.Patient> {
  const indicator = patient.multipleBirthIndicator?.toUpperCase();
  if (indicator === 'Y' && patient.birthOrder !== undefined) {
    return { multipleBirthInteger: patient.birthOrder };
  }
  return indicator === 'Y' || indicator === 'N' ? { multipleBirthBoolean: indicator === 'Y' } : {};
}

function contact(source: Contact): fhir4.PatientContact | undefined {
  const relationship = codeableConcept(source.relationship);
  const role = codeableConcept(source.role);
  const name = source.names?.[0] && humanName(source.names[0]);
  const first = source.addresses?.[0];
  const result: fhir4.PatientContact = defined({
    relationship: nonEmpty([relationship, role]),
    name,
    telecom: nonEmpty([
      ...(source.phones ?? []).map((phone) => contactPoint(phone)),
      ...(source.businessPhones ?? []).map((phone) => contactPoint(phone, 'work')),
    ]),
    address: first === undefined ? undefined : address(first),
  });
  return Object.keys(result).length === 0 ? undefined : result;
}
