import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import type * as fhir4 from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';

import { toFhirBundle } from './fhir.js';
import { contactPoint } from './fhir-datatypes.js';
import { fhirDateTime, fhirInstant } from './fhir-datetime.js';
import { conditionalUpdate, fullUrlFor, identifierSystem } from './fhir-identity.js';
import {
  genderOf,
  interpretationOf,
  nameUseOf,
  observationStatusOf,
  reportStatusOf,
} from './fhir-terminology.js';
import { parse } from './parse.js';
import type { ObservationValue, Order, ResultDocument } from './result-document.js';
import { toResult } from './result.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';
const UUID_V8 = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// A renal profile from a Welsh hospital laboratory; names, numbers and places are invented.
const UK_ORU = [
  'MSH|^~\\&|WINPATH|RVJ^RVJ01^L|HL7GW|NBT|20240315143000+0000||ORU^R01^ORU_R01|MSG000123|P|2.5.1|||AL|NE|GBR|UNICODE UTF-8',
  'PID|1||9434765919^^^NHS^NH~RVJ1234567^^^RVJ^MR||AP GRUFFUDD^Siân^Eluned^^Mrs^^L~GRUFFUDD^Sian^^^^^N||196703040815+0000|F|||1 Heol y Bont^Flat 2^Caerdydd^^CF10 1AA^GBR^H||^PRN^PH^^44^29^20123456~^NET^Internet^sian@example.org|^WPN^PH^^44^29^20987654',
  'ORC|RE|PL123456^ICE|FL987654^WINPATH||CM',
  'OBR|1|PL123456^ICE|FL987654^WINPATH|UE^Urea and electrolytes^WINPATH|||20240315090500+0000|||||||20240315101500+0000||C1234567^EVANS^Rhodri^^^Dr^^^GMC||||||20240315142500+0000||CH|F',
  'OBX|1|NM|22664-7^Urea^LN||7.9|mmol/L^mmol/L^UCUM|2.5-7.8|H|||F|||20240315090500+0000',
  'OBX|2|NM|2951-2^Sodium^LN||139|mmol/L^mmol/L^UCUM|133-146|N|||F',
  'OBX|3|SN|33914-3^eGFR^LN||>^90|mL/min/{1.73_m2}^mL/min/1.73m2^UCUM|>60||||F',
  'OBX|4|ST|8251-1^Lab comment^LN||Sample slightly haemolysed||||||C',
  'NTE|1|L|Please repeat if clinically indicated.',
  'SPM|1|SP001&ICE^FS001&WINPATH||119364003^Serum specimen^SCT|||||||||||||20240315090500+0000|20240315101500+0000',
].join('\r');

function ukBundle(text = UK_ORU, options = {}): fhir4.Bundle {
  return toFhirBundle(toResult(parse(text)), options);
}

function resources<T extends fhir4.FhirResource['resourceType']>(
  bundle: fhir4.Bundle,
  type: T,
): Extract<fhir4.FhirResource, { resourceType: T }>[] {
  return (bundle.entry ?? [])
    .map((entry) => entry.resource)
    .filter((resource) => resource?.resourceType === type) as Extract<
    fhir4.FhirResource,
    { resourceType: T }
  >[];
}

function entryOf(bundle: fhir4.Bundle, resource: fhir4.FhirResource): fhir4.BundleEntry {
  const entry = bundle.entry?.find((candidate) => candidate.resource === resource);
  if (entry === undefined) throw new Error('resource not in bundle');
  return entry;
}

/** Every `reference` anywhere in the value. */
function referencesIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === 'reference' && typeof child === 'string' ? [child] : referencesIn(child),
  );
}

function documentWith(order: Partial<Order>): ResultDocument {
  return {
    schemaVersion: 1,
    source: { messageType: 'ORU^R01', controlId: 'CTL1', sendingFacility: { namespaceId: 'LAB' } },
    patient: { identifiers: [{ value: 'MRN1', type: 'MR' }] },
    orders: [
      {
        fillerOrderNumber: { id: 'F1' },
        universalServiceId: { codings: [{ code: 'PANEL', system: 'http://loinc.org' }] },
        observations: [],
        specimens: [],
        ...order,
      },
    ],
  };
}

describe('toFhirBundle: a UK renal profile', () => {
  const bundle = ukBundle();
  const [patient] = resources(bundle, 'Patient');
  const observations = resources(bundle, 'Observation');
  const [report] = resources(bundle, 'DiagnosticReport');
  const [request] = resources(bundle, 'ServiceRequest');
  const [specimen] = resources(bundle, 'Specimen');
  const [practitioner] = resources(bundle, 'Practitioner');

  it('is a transaction of one patient, practitioner, request, specimen and report', () => {
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.type).toBe('transaction');
    expect(bundle.entry?.map((entry) => entry.resource?.resourceType)).toEqual([
      'Patient',
      'Practitioner',
      'ServiceRequest',
      'Specimen',
      'Observation',
      'Observation',
      'Observation',
      'Observation',
      'DiagnosticReport',
    ]);
  });

  it('maps PID to the Patient with NHS number, names, birth date and time, address, telecom', () => {
    expect(patient?.identifier).toEqual([
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'NH' }] },
        system: NHS,
        value: '9434765919',
      },
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
        system: 'urn:hl7gw:id:RVJ',
        value: 'RVJ1234567',
      },
    ]);
    expect(patient?.name).toEqual([
      { use: 'official', family: 'AP GRUFFUDD', given: ['Siân', 'Eluned'], prefix: ['Mrs'] },
      { use: 'nickname', family: 'GRUFFUDD', given: ['Sian'] },
    ]);
    expect(patient?.gender).toBe('female');
    expect(patient?.birthDate).toBe('1967-03-04');
    expect(patient?._birthDate?.extension).toEqual([
      {
        url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime',
        valueDateTime: '1967-03-04T08:15:00+00:00',
      },
    ]);
    expect(patient?.address).toEqual([
      {
        use: 'home',
        line: ['1 Heol y Bont', 'Flat 2'],
        city: 'Caerdydd',
        postalCode: 'CF10 1AA',
        country: 'GBR',
      },
    ]);
    expect(patient?.telecom).toEqual([
      { system: 'phone', value: '+44 29 20123456', use: 'home' },
      { system: 'email', value: 'sian@example.org' },
      { system: 'phone', value: '+44 29 20987654', use: 'work' },
    ]);
  });

  it('puts the Patient under a conditional update on the NHS number', () => {
    const entry = entryOf(bundle, patient as fhir4.Patient);

    expect(entry.request).toEqual({
      method: 'PUT',
      url: 'Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919',
    });
    expect(entry.fullUrl).toMatch(UUID_V8);
    expect(entry.fullUrl).toBe(fullUrlFor('Patient', { system: NHS, value: '9434765919' }));
  });

  it('maps the ordering provider to a Practitioner with a GMC number', () => {
    expect(practitioner).toEqual({
      resourceType: 'Practitioner',
      identifier: [{ system: 'https://fhir.hl7.org.uk/Id/gmc-number', value: 'C1234567' }],
      name: [{ family: 'EVANS', given: ['Rhodri'], prefix: ['Dr'] }],
    });
  });

  it('maps ORC and OBR to the ServiceRequest', () => {
    const patientUrl = entryOf(bundle, patient as fhir4.Patient).fullUrl;
    const practitionerUrl = entryOf(bundle, practitioner as fhir4.Practitioner).fullUrl;

    expect(request?.identifier).toEqual([
      {
        type: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'PLAC' }],
        },
        system: 'urn:hl7gw:id:ICE',
        value: 'PL123456',
      },
      {
        type: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'FILL' }],
        },
        system: 'urn:hl7gw:id:WINPATH',
        value: 'FL987654',
      },
      { system: 'urn:hl7gw:id:WINPATH', value: 'FL987654/UE' },
    ]);
    expect(request?.status).toBe('completed');
    expect(request?.intent).toBe('order');
    expect(request?.code).toEqual({
      coding: [{ code: 'UE', display: 'Urea and electrolytes' }],
    });
    expect(request?.subject).toEqual({ reference: patientUrl });
    expect(request?.requester).toEqual({ reference: practitionerUrl });
    expect(entryOf(bundle, request as fhir4.ServiceRequest).request?.url).toBe(
      'ServiceRequest?identifier=urn:hl7gw:id:WINPATH|FL987654/UE',
    );
  });

  it('maps OBR to the DiagnosticReport with its results and specimen', () => {
    const url = (resource: fhir4.FhirResource) => ({
      reference: entryOf(bundle, resource).fullUrl,
    });

    expect(report?.status).toBe('final');
    expect(report?.category).toEqual([
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB' }] },
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'CH' }] },
    ]);
    expect(report?.code).toEqual(request?.code);
    expect(report?.basedOn).toEqual([url(request as fhir4.ServiceRequest)]);
    expect(report?.effectiveDateTime).toBe('2024-03-15T09:05:00+00:00');
    expect(report?.issued).toBe('2024-03-15T14:25:00+00:00');
    expect(report?.result).toEqual(observations.map(url));
    expect(report?.specimen).toEqual([url(specimen as fhir4.Specimen)]);
  });

  it('maps SPM to the Specimen', () => {
    expect(specimen).toMatchObject({
      identifier: [
        { system: 'urn:hl7gw:id:ICE', value: 'SP001' },
        { system: 'urn:hl7gw:id:WINPATH', value: 'FS001' },
      ],
      accessionIdentifier: { system: 'urn:hl7gw:id:WINPATH', value: 'FS001' },
      type: { coding: [{ system: 'http://snomed.info/sct', code: '119364003' }] },
      collection: { collectedDateTime: '2024-03-15T09:05:00+00:00' },
      receivedTime: '2024-03-15T10:15:00+00:00',
    });
  });

  it('maps a numeric OBX to a UCUM quantity with range and interpretation', () => {
    expect(observations[0]).toMatchObject({
      identifier: [{ system: 'urn:hl7gw:id:WINPATH', value: 'FL987654/UE/OBX-1/22664-7' }],
      status: 'final',
      category: [{ coding: [{ code: 'laboratory' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '22664-7', display: 'Urea' }] },
      effectiveDateTime: '2024-03-15T09:05:00+00:00',
      issued: '2024-03-15T14:25:00+00:00',
      valueQuantity: {
        value: 7.9,
        unit: 'mmol/L',
        system: 'http://unitsofmeasure.org',
        code: 'mmol/L',
      },
      interpretation: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
              code: 'H',
              display: 'High',
            },
          ],
        },
      ],
      referenceRange: [
        {
          low: { value: 2.5, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
          high: { value: 7.8, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
          text: '2.5-7.8',
        },
      ],
    });
    expect(observations[0]?.subject).toEqual(report?.subject);
    expect(observations[0]?.specimen).toEqual(report?.specimen?.[0]);
    expect(entryOf(bundle, observations[0] as fhir4.Observation).request?.url).toBe(
      'Observation?identifier=urn:hl7gw:id:WINPATH|FL987654/UE/OBX-1/22664-7',
    );
  });

  it('maps SN `>^90` to a quantity with a comparator', () => {
    expect(observations[2]?.valueQuantity).toEqual({
      value: 90,
      comparator: '>',
      unit: 'mL/min/1.73m2',
      system: 'http://unitsofmeasure.org',
      code: 'mL/min/{1.73_m2}',
    });
    expect(observations[2]?.referenceRange).toEqual([
      {
        low: {
          value: 60,
          unit: 'mL/min/1.73m2',
          system: 'http://unitsofmeasure.org',
          code: 'mL/min/{1.73_m2}',
        },
        text: '>60',
      },
    ]);
  });

  it('maps a corrected text result with its note', () => {
    expect(observations[3]).toMatchObject({
      status: 'corrected',
      valueString: 'Sample slightly haemolysed',
      note: [{ text: 'Please repeat if clinically indicated.' }],
    });
  });
});

describe('toFhirBundle: determinism and idempotency', () => {
  it('gives byte-identical JSON for the same message parsed twice', () => {
    expect(JSON.stringify(ukBundle())).toBe(JSON.stringify(ukBundle()));
  });

  it('gives every entry a version 8 urn:uuid full URL, each once', () => {
    const urls = (ukBundle().entry ?? []).map((entry) => entry.fullUrl);

    for (const url of urls) expect(url).toMatch(UUID_V8);
    expect(new Set(urls).size).toBe(urls.length);
  });

  it('gives a later message about the same patient the same Patient full URL and request', () => {
    const later = UK_ORU.replace('MSG000123', 'MSG000999')
      .replace(/FL987654/g, 'FL990001')
      .replace(/PL123456/g, 'PL130000');
    const first = ukBundle().entry?.[0];
    const second = ukBundle(later).entry?.[0];

    expect(second?.resource?.resourceType).toBe('Patient');
    expect(second?.fullUrl).toBe(first?.fullUrl);
    expect(second?.request).toEqual(first?.request);
    expect(ukBundle(later).entry?.[2]?.fullUrl).not.toBe(ukBundle().entry?.[2]?.fullUrl);
  });

  it('keys a patient without identifiers on the message, which re-delivery repeats', () => {
    const doc = documentWith({});
    delete doc.patient.identifiers;
    const entry = toFhirBundle(doc).entry?.[0];

    expect(entry?.request?.url).toBe('Patient?identifier=urn:hl7gw:id:message|LAB/CTL1/PID');
    expect((entry?.resource as fhir4.Patient).identifier).toEqual([
      { system: 'urn:hl7gw:id:message', value: 'LAB/CTL1/PID' },
    ]);
    expect(toFhirBundle(doc).entry?.[0]?.fullUrl).toBe(entry?.fullUrl);
  });

  it('keeps apart two OBRs that share a filler order number and a code', () => {
    const doc = documentWith({});
    doc.orders.push({ ...(doc.orders[0] as Order) });
    const urls = resources(toFhirBundle(doc), 'ServiceRequest').map((sr) => sr.identifier?.at(-1));

    expect(urls).toEqual([
      { system: 'urn:hl7gw:id:LAB', value: 'F1/PANEL' },
      { system: 'urn:hl7gw:id:LAB', value: 'F1/PANEL~2' },
    ]);
  });

  it('uses the identifier system base option for local authorities', () => {
    const bundle = ukBundle(UK_ORU, { identifierSystemBase: 'https://ids.example.nhs.uk/' });
    const [patient] = resources(bundle, 'Patient');

    expect(patient?.identifier?.[1]?.system).toBe('https://ids.example.nhs.uk/RVJ');
    expect(patient?.identifier?.[0]?.system).toBe(NHS);
  });
});

describe('identifiers', () => {
  it.each([
    [{ namespaceId: 'NHS' }, NHS],
    [{ universalId: '2.16.840.1.113883.2.1.4.1', universalIdType: 'ISO' }, NHS],
    [{ namespaceId: 'NPI' }, 'http://hl7.org/fhir/sid/us-npi'],
    [
      { namespaceId: 'Lab', universalId: '2.16.840.1.114222.4.1.10080', universalIdType: 'ISO' },
      'urn:oid:2.16.840.1.114222.4.1.10080',
    ],
    [
      { namespaceId: 'Lab', universalId: '2.16.840.1.114222.XXX', universalIdType: 'ISO' },
      'urn:hl7gw:id:2.16.840.1.114222.XXX',
    ],
    [
      { universalId: 'https://lab.example.org/ids', universalIdType: 'URI' },
      'https://lab.example.org/ids',
    ],
    [{ namespaceId: 'St Mary Hospital' }, 'urn:hl7gw:id:St%20Mary%20Hospital'],
    [{}, undefined],
  ])('names the system of %j as %s', (authority, system) => {
    expect(identifierSystem(authority, 'urn:hl7gw:id:')).toBe(system);
  });

  it('escapes search tokens and percent-encodes what a query cannot hold', () => {
    const request = conditionalUpdate('Observation', { system: 'urn:x:a', value: 'A|B, C&D/1' });

    expect(request.url).toBe('Observation?identifier=urn:x:a|A%5C%7CB%5C%2C%20C%26D/1');
  });
});

describe('terminology', () => {
  it.each([
    ['F', 'final'],
    ['C', 'corrected'],
    ['A', 'amended'],
    ['P', 'preliminary'],
    ['D', 'entered-in-error'],
    ['W', 'entered-in-error'],
    ['X', 'cancelled'],
    ['I', 'registered'],
    ['O', 'registered'],
    ['R', 'preliminary'],
    ['S', 'preliminary'],
    ['V', 'final'],
    ['N', 'unknown'],
    ['Q', 'unknown'],
    [undefined, 'unknown'],
  ])('maps OBX-11 %s to Observation.status %s', (code, status) => {
    expect(observationStatusOf(code)).toBe(status);
  });

  it.each([
    ['F', 'final'],
    ['C', 'corrected'],
    ['M', 'corrected'],
    ['P', 'preliminary'],
    ['A', 'partial'],
    ['R', 'partial'],
    ['X', 'cancelled'],
    ['O', 'registered'],
    ['I', 'registered'],
    ['S', 'registered'],
    ['N', 'registered'],
    ['Y', 'unknown'],
    [undefined, 'unknown'],
  ])('maps OBR-25 %s to DiagnosticReport.status %s', (code, status) => {
    expect(reportStatusOf(code)).toBe(status);
  });

  it.each([
    ['H', 'H'],
    ['L', 'L'],
    ['HH', 'HH'],
    ['LL', 'LL'],
    ['A', 'A'],
    ['AA', 'AA'],
    ['N', 'N'],
    ['<', '<'],
    ['>', '>'],
    ['POS', 'POS'],
    ['NEG', 'NEG'],
    ['S', 'S'],
    ['R', 'R'],
    ['I', 'I'],
  ])('maps OBX-8 %s to v3 interpretation %s', (flag, code) => {
    expect(interpretationOf(flag).coding?.[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
      code,
    });
  });

  it.each(['AC', 'QCF', 'TOX', 'XYZ'])('keeps OBX-8 %s in the v2-0078 system', (flag) => {
    expect(interpretationOf(flag)).toEqual({
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0078', code: flag }],
    });
  });

  it.each([
    ['M', 'male'],
    ['F', 'female'],
    ['O', 'other'],
    ['A', 'other'],
    ['N', 'other'],
    ['U', 'unknown'],
    ['Z', undefined],
  ])('maps PID-8 %s to gender %s', (sex, gender) => {
    expect(genderOf(sex)).toBe(gender);
  });

  it.each([
    ['L', 'official'],
    ['R', 'official'],
    ['D', 'usual'],
    ['M', 'maiden'],
    ['N', 'nickname'],
    ['TEMP', 'temp'],
    ['BAD', 'old'],
    ['MSK', 'anonymous'],
    ['B', undefined],
  ])('maps XPN-7 %s to name use %s', (type, use) => {
    expect(nameUseOf(type)).toBe(use);
  });
});

describe('contact points', () => {
  it.each([
    [
      { use: 'PRN', areaCode: '804', localNumber: '5693861' },
      { system: 'phone', value: '804 5693861', use: 'home' },
    ],
    [
      { use: 'PRN', equipmentType: 'CP', countryCode: '44', localNumber: '7700900123' },
      { system: 'phone', value: '+44 7700900123', use: 'mobile' },
    ],
    [
      { equipmentType: 'FX', areaCode: '29', localNumber: '20123456', extension: '12' },
      { system: 'fax', value: '29 20123456 ext. 12' },
    ],
    [{ text: '029 2012 3456' }, { system: 'phone', value: '029 2012 3456' }],
    [
      { use: 'NET', email: 'a.user@example.org' },
      { system: 'email', value: 'a.user@example.org' },
    ],
    [{ use: 'PRN' }, undefined],
  ])('maps XTN %j', (xtn, expected) => {
    expect(contactPoint(xtn)).toEqual(expected);
  });
});

describe('observation values', () => {
  function valueOf(observation: ResultDocument['orders'][0]['observations'][0]) {
    const bundle = toFhirBundle(documentWith({ observations: [observation] }));
    return resources(bundle, 'Observation')[0];
  }

  it.each<[ObservationValue, Partial<fhir4.Observation>]>([
    [
      { type: 'structuredNumeric', number1: 10, separator: '-', number2: 20 },
      { valueRange: { low: { value: 10 }, high: { value: 20 } } },
    ],
    [
      { type: 'structuredNumeric', number1: 1, separator: ':', number2: 128 },
      { valueRatio: { numerator: { value: 1 }, denominator: { value: 128 } } },
    ],
    [
      { type: 'structuredNumeric', comparator: '<=', number1: 5 },
      { valueQuantity: { value: 5, comparator: '<=' } },
    ],
    [{ type: 'structuredNumeric', comparator: '<>', number1: 5 }, { valueString: '<>5' }],
    [{ type: 'structuredNumeric', number1: 2, separator: '+' }, { valueString: '2+' }],
    [{ type: 'date', date: '2024-03' }, { valueDateTime: '2024-03' }],
    [
      { type: 'dateTime', dateTime: '2024-03-15T09:05+01:00' },
      { valueDateTime: '2024-03-15T09:05:00+01:00' },
    ],
    [{ type: 'dateTime', dateTime: '2024-03-15T09:05' }, { valueString: '2024-03-15T09:05' }],
    [{ type: 'time', time: '09:05' }, { valueTime: '09:05:00' }],
    [
      {
        type: 'coded',
        concept: {
          codings: [{ code: '260373001', system: 'http://snomed.info/sct', display: 'Detected' }],
        },
      },
      {
        valueCodeableConcept: {
          coding: [{ system: 'http://snomed.info/sct', code: '260373001', display: 'Detected' }],
        },
      },
    ],
  ])('maps %j', (value, expected) => {
    expect(valueOf({ setId: 1, code: { codings: [{ code: 'X' }] }, value })).toMatchObject(
      expected,
    );
  });

  it('keeps local units as text without a code', () => {
    const observation = valueOf({
      value: { type: 'quantity', value: 4.5, decimal: '4.50' },
      units: { code: 'x10*9/L', systemName: 'L' },
    });

    expect(observation?.valueQuantity).toEqual({ value: 4.5, unit: 'x10*9/L' });
  });

  it('joins text repetitions and gives coded repetitions their own components', () => {
    const text = valueOf({
      value: { type: 'text', text: 'Line one' },
      additionalValues: [{ type: 'text', text: 'Line two' }],
    });
    const coded = valueOf({
      code: { codings: [{ code: 'ORG' }] },
      value: { type: 'coded', concept: { codings: [{ code: 'A' }] } },
      additionalValues: [{ type: 'coded', concept: { codings: [{ code: 'B' }] } }],
    });

    expect(text?.valueString).toBe('Line one\nLine two');
    expect(coded?.valueCodeableConcept).toEqual({ coding: [{ code: 'A' }] });
    expect(coded?.component).toEqual([
      { code: { coding: [{ code: 'ORG' }] }, valueCodeableConcept: { coding: [{ code: 'B' }] } },
    ]);
  });

  it('moves encapsulated data to the report, as R4 Observation values cannot hold it', () => {
    const doc = documentWith({
      observations: [
        {
          setId: 1,
          code: { codings: [{ code: 'PDF' }] },
          value: {
            type: 'attachment',
            dataType: 'AP',
            subtype: 'PDF',
            encoding: 'Base64',
            data: 'JVBE\nRi0x',
          },
        },
      ],
    });
    const bundle = toFhirBundle(doc);
    const [observation] = resources(bundle, 'Observation');
    const [report] = resources(bundle, 'DiagnosticReport');

    expect(report?.presentedForm).toEqual([{ contentType: 'application/pdf', data: 'JVBERi0x' }]);
    expect(observation?.dataAbsentReason?.coding?.[0]?.code).toBe('unsupported');
    expect(Object.keys(observation ?? {}).filter((key) => key.startsWith('value'))).toEqual([]);
  });

  it('says why a cancelled observation has no value', () => {
    const observation = valueOf({ code: { codings: [{ code: 'X' }] }, status: 'X' });

    expect(observation?.status).toBe('cancelled');
    expect(observation?.dataAbsentReason?.coding?.[0]?.code).toBe('not-performed');
  });

  it('gives an observation without OBX-3 a data-absent code', () => {
    expect(valueOf({ setId: 1 })?.code).toEqual({
      extension: [
        { url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' },
      ],
    });
  });
});

describe('times', () => {
  it.each([
    ['2024-07-01T09:05', 'Europe/London', '2024-07-01T09:05:00+01:00'],
    ['2024-01-15T09:05', 'Europe/London', '2024-01-15T09:05:00+00:00'],
    ['2024-07-01T09:05:30.25', 'America/Chicago', '2024-07-01T09:05:30.25-05:00'],
    ['2024-07-01T09:05+02:00', 'Europe/London', '2024-07-01T09:05:00+02:00'],
    ['2024-07-01T09:05', undefined, '2024-07-01'],
    ['2024-07', undefined, '2024-07'],
  ])('writes %s in %s as %s', (iso, timeZone, expected) => {
    expect(fhirDateTime(iso, timeZone)).toBe(expected);
  });

  it('writes an instant only with a full time and a known offset', () => {
    expect(fhirInstant('2024-07-01T09:05', 'Europe/London')).toBe('2024-07-01T09:05:00+01:00');
    expect(fhirInstant('2024-07-01T09:05')).toBeUndefined();
    expect(fhirInstant('2024-07-01')).toBeUndefined();
  });

  it('uses the time zone option for local times in the bundle', () => {
    const local = UK_ORU.replace(/(\d{12})\+0000/g, '$1');
    const [withZone] = resources(
      ukBundle(local, { timeZone: 'Europe/London' }),
      'DiagnosticReport',
    );
    const [withoutZone] = resources(ukBundle(local), 'DiagnosticReport');

    expect(withZone?.effectiveDateTime).toBe('2024-03-15T09:05:00+00:00');
    expect(withoutZone?.effectiveDateTime).toBe('2024-03-15');
    expect(withoutZone?.issued).toBeUndefined();
  });

  it('refuses a time zone the runtime does not know', () => {
    expect(() => ukBundle(UK_ORU, { timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});

describe('corpus: every ORU^R01 becomes a consistent bundle', () => {
  const files = readdirSync(CORPUS, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.hl7'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !relative(CORPUS, file).startsWith('malformed'))
    .filter((file) => !/^(FHS|BHS)/.test(readFileSync(file, 'latin1')))
    .filter((file) => parse(readFileSync(file)).messageType === 'ORU^R01')
    .sort();

  it('finds the ORU^R01 messages', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it.each(files.map((file) => [relative(CORPUS, file), file]))('maps %s', (_name, file) => {
    const doc = toResult(parse(readFileSync(file as string)));
    const bundle = toFhirBundle(doc);
    const entries = bundle.entry ?? [];
    const fullUrls = new Set(entries.map((entry) => entry.fullUrl));

    expect(bundle.type).toBe('transaction');
    expect(fullUrls.size).toBe(entries.length);
    for (const entry of entries) {
      const type = entry.resource?.resourceType as string;
      expect(type).toMatch(
        /^(Patient|Practitioner|ServiceRequest|Specimen|Observation|DiagnosticReport)$/,
      );
      expect(entry.fullUrl).toMatch(UUID_V8);
      expect(entry.request?.method).toBe('PUT');
      expect(entry.request?.url.startsWith(`${type}?identifier=`)).toBe(true);
    }
    for (const reference of referencesIn(bundle)) expect(fullUrls).toContain(reference);

    const observations = doc.orders.flatMap((order) => [
      ...order.observations,
      ...order.specimens.flatMap((specimen) => specimen.observations),
    ]);
    expect(resources(bundle, 'Observation')).toHaveLength(observations.length);
    expect(resources(bundle, 'DiagnosticReport')).toHaveLength(doc.orders.length);
    expect(JSON.stringify(toFhirBundle(doc))).toBe(JSON.stringify(bundle));
  });
});
