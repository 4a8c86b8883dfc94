import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ISO_PATTERNS } from './datetime.js';
import { Hl7MappingError } from './mapping-error.js';
import { parse } from './parse.js';
import { RESULT_SCHEMA_ID, type ObservationValue, type ResultDocument } from './result-document.js';
import { toResult } from './result.js';

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const schema = JSON.parse(
  readFileSync(new URL('../schemas/result.schema.json', import.meta.url), 'utf8'),
) as { $id: string; $defs: Record<string, { pattern?: string }> };
const validate = ajv.compile(schema);

const HEADER = String.raw`MSH|^~\&|LABSYS^2.16.840.1.113883.3.999^ISO|CITY LAB^05D0000000^CLIA|EHR|GENERAL HOSP^2.16.840.1.113883.3.888^ISO|20190720083500-0500||ORU^R01^ORU_R01|MSG00042|P|2.5.1||||||UNICODE UTF-8|||PHLabReport-NoAck^ELR_Receiver^2.16.840.1.113883.9.11^ISO`;
const PID = String.raw`PID|1||PT-4471^^^CITY LAB&05D0000000&CLIA^MR~999-99-9999^^^SSA&2.16.840.1.113883.4.1&ISO^SS||JONES^MARY^ANN^JR^DR^^L|SMITH^ELLEN|201907|F||2106-3^White^CDCREC|12 HIGH ST^APT 4^SPRINGFIELD^IL^62701^USA^H||^PRN^PH^^1^217^5550123|||||ACCT-77^^^CITY LAB&05D0000000&CLIA^AN||||2186-5^Not Hispanic or Latino^CDCREC||Y|2`;

const LAB_REPORT = [
  HEADER,
  'SFT|Acme Lab Systems|4.2|LabSys|4200',
  PID,
  'PD1|||CITY CLINIC^L^^^^^^^^05D1111111',
  'NTE|1|P|Patient fasting since midnight',
  'NK1|1|JONES^ROBERT|FTH^Father^HL70063|12 HIGH ST^^SPRINGFIELD^IL^62701|^PRN^PH^^^217^5550199',
  'PV1|1|O|LAB^101^2^GENERAL HOSP|R|||1234567890^SMITH^JOHN^A^^DR^MD^^NPI&2.16.840.1.113883.4.6&ISO^^^^NPI|||MED|||||||||V-9911|||||||||||||||||||||||||201907190800-0500',
  'PV2|||R50.9^Fever, unspecified^I10',
  'ORC|RE|ORD-100^EHR|F-200^CITY LAB|GRP-1^EHR|CM||^^^^^R|||||1234567890^SMITH^JOHN^^^DR|||||||||CITY CLINIC^L^^^^CLIA&2.16.840.1.113883.4.7&ISO^XX^^^05D1111111|1 CLINIC RD^^SPRINGFIELD^IL^62701|^WPN^PH^^^217^5550100',
  'OBR|1|ORD-100^EHR|F-200^CITY LAB|24323-8^Comprehensive metabolic panel^LN|||20190720073000-0500|||||||20190720074500-0500||1234567890^SMITH^JOHN^^^DR||||||201907200830-0500||CH|F',
  String.raw`NTE|1|L|Specimen slightly hemolyzed.\.br\Results may be affected.`,
  'TQ1|1||||||||S',
  'OBX|1|NM|2345-7^Glucose^LN||105.50|mg/dL^milligram per deciliter^UCUM|70-99|H|||F|||20190720073000-0500|||||20190720081500-0500||||CITY LAB^L^^^^CLIA&2.16.840.1.113883.4.7&ISO^XX^^^05D0000000|1 LAB WAY^^SPRINGFIELD^IL^62701|9876543210^LEE^ANNA^^^DR^MD',
  'NTE|1|L|Repeated and confirmed.',
  'OBX|2|ST|2951-2^Sodium^LN||See note||||||F',
  'ZLB|1|internal routing',
  'SPM|1|SP-1&EHR^SP-1F&CITY LAB||119297000^Blood specimen^SCT|||VENIP^Venipuncture^HL70488|LACF^Left antecubital fossa^HL70163|||||||||20190720073000-0500^20190720073500-0500|20190720074500-0500',
  'OBX|1|CWE|33882-2^Collection date^LN||Y^Yes^HL70136||||||F',
  'OBR|2|ORD-101^EHR||600-7^Bacteria identified in Blood by Culture^LN|||20190720073000-0500||||||||||||||||||P|600-7&Bacteria identified&LN^1^E. coli|||ORD-100&EHR^F-200&CITY LAB',
  'OBX|1|CWE|600-7^Bacteria identified^LN|1|112283007^Escherichia coli^SCT^ECOLI^E. coli^L^^^E. coli isolated||||||P',
].join('\r');

/** The report with its OBR-1 OBX replaced by `obx`. */
function withObx(obx: string): ResultDocument {
  const segments = LAB_REPORT.split('\r');
  const index = segments.findIndex((s) => s.startsWith('OBX|1|NM'));
  segments[index] = obx;
  return toResult(parse(segments.join('\r')));
}

describe('toResult', () => {
  const document = toResult(parse(LAB_REPORT), { gatewayMessageId: 'gw-7f3a' });

  it('maps a whole lab report to a document the schema accepts', () => {
    const valid = validate(JSON.parse(JSON.stringify(document)));

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(document.schemaVersion).toBe(1);
    expect(document.issues).toBeUndefined();
  });

  it('reads the source from MSH', () => {
    expect(document.source).toEqual({
      gatewayMessageId: 'gw-7f3a',
      controlId: 'MSG00042',
      sendingApplication: {
        namespaceId: 'LABSYS',
        universalId: '2.16.840.1.113883.3.999',
        universalIdType: 'ISO',
      },
      sendingFacility: {
        namespaceId: 'CITY LAB',
        universalId: '05D0000000',
        universalIdType: 'CLIA',
      },
      receivingApplication: { namespaceId: 'EHR' },
      receivingFacility: {
        namespaceId: 'GENERAL HOSP',
        universalId: '2.16.840.1.113883.3.888',
        universalIdType: 'ISO',
      },
      messageTime: '2019-07-20T08:35:00-05:00',
      messageType: 'ORU^R01',
      processingId: 'P',
      version: '2.5.1',
      profiles: [
        {
          id: 'PHLabReport-NoAck',
          namespaceId: 'ELR_Receiver',
          universalId: '2.16.840.1.113883.9.11',
          universalIdType: 'ISO',
        },
      ],
    });
  });

  it('reads the patient with identifiers, names, precision-kept birth date, contacts and notes', () => {
    expect(document.patient).toEqual({
      identifiers: [
        {
          value: 'PT-4471',
          assigningAuthority: {
            namespaceId: 'CITY LAB',
            universalId: '05D0000000',
            universalIdType: 'CLIA',
          },
          type: 'MR',
        },
        {
          value: '999-99-9999',
          assigningAuthority: {
            namespaceId: 'SSA',
            universalId: '2.16.840.1.113883.4.1',
            universalIdType: 'ISO',
          },
          type: 'SS',
        },
      ],
      names: [{ family: 'JONES', given: ['MARY', 'ANN'], suffix: 'JR', prefix: 'DR', type: 'L' }],
      mothersMaidenNames: [{ family: 'SMITH', given: ['ELLEN'] }],
      birthDate: '2019-07',
      sex: 'F',
      races: [
        {
          codings: [
            {
              code: '2106-3',
              display: 'White',
              system: 'urn:oid:2.16.840.1.113883.6.238',
              systemName: 'CDCREC',
            },
          ],
        },
      ],
      addresses: [
        {
          lines: ['12 HIGH ST', 'APT 4'],
          city: 'SPRINGFIELD',
          state: 'IL',
          postalCode: '62701',
          country: 'USA',
          type: 'H',
        },
      ],
      phones: [
        {
          use: 'PRN',
          equipmentType: 'PH',
          countryCode: '1',
          areaCode: '217',
          localNumber: '5550123',
        },
      ],
      accountNumber: {
        value: 'ACCT-77',
        assigningAuthority: {
          namespaceId: 'CITY LAB',
          universalId: '05D0000000',
          universalIdType: 'CLIA',
        },
        type: 'AN',
      },
      ethnicGroups: [
        {
          codings: [
            {
              code: '2186-5',
              display: 'Not Hispanic or Latino',
              system: 'urn:oid:2.16.840.1.113883.6.238',
              systemName: 'CDCREC',
            },
          ],
        },
      ],
      multipleBirthIndicator: 'Y',
      birthOrder: 2,
      contacts: [
        {
          names: [{ family: 'JONES', given: ['ROBERT'] }],
          relationship: {
            codings: [
              {
                code: 'FTH',
                display: 'Father',
                system: 'http://terminology.hl7.org/CodeSystem/v2-0063',
                systemName: 'HL70063',
              },
            ],
          },
          addresses: [
            { lines: ['12 HIGH ST'], city: 'SPRINGFIELD', state: 'IL', postalCode: '62701' },
          ],
          phones: [{ use: 'PRN', equipmentType: 'PH', areaCode: '217', localNumber: '5550199' }],
        },
      ],
      notes: [{ text: 'Patient fasting since midnight', source: 'P' }],
    });
  });

  it('reads the visit from PV1 and PV2', () => {
    expect(document.visit).toEqual({
      class: 'O',
      location: {
        pointOfCare: 'LAB',
        room: '101',
        bed: '2',
        facility: { namespaceId: 'GENERAL HOSP' },
      },
      admissionType: 'R',
      attendingDoctors: [
        {
          id: '1234567890',
          family: 'SMITH',
          given: ['JOHN', 'A'],
          prefix: 'DR',
          degree: 'MD',
          assigningAuthority: {
            namespaceId: 'NPI',
            universalId: '2.16.840.1.113883.4.6',
            universalIdType: 'ISO',
          },
          identifierType: 'NPI',
        },
      ],
      hospitalService: 'MED',
      visitNumber: { value: 'V-9911' },
      admitTime: '2019-07-19T08:00-05:00',
      admitReason: {
        codings: [
          {
            code: 'R50.9',
            display: 'Fever, unspecified',
            system: 'http://hl7.org/fhir/sid/icd-10',
            systemName: 'I10',
          },
        ],
      },
    });
  });

  it('reads each order with ORC and OBR fields, notes and priority', () => {
    const { observations, specimens, ...order } = document.orders[0] ?? ({} as never);

    expect(document.orders).toHaveLength(2);
    expect(observations).toHaveLength(2);
    expect(specimens).toHaveLength(1);
    expect(order).toEqual({
      setId: 1,
      orderControl: 'RE',
      placerOrderNumber: { id: 'ORD-100', namespaceId: 'EHR' },
      fillerOrderNumber: { id: 'F-200', namespaceId: 'CITY LAB' },
      placerGroupNumber: { id: 'GRP-1', namespaceId: 'EHR' },
      orderStatus: 'CM',
      universalServiceId: {
        codings: [
          {
            code: '24323-8',
            display: 'Comprehensive metabolic panel',
            system: 'http://loinc.org',
            systemName: 'LN',
          },
        ],
      },
      priority: 'S',
      observationTime: '2019-07-20T07:30:00-05:00',
      specimenReceivedTime: '2019-07-20T07:45:00-05:00',
      orderingProvider: { id: '1234567890', family: 'SMITH', given: ['JOHN'], prefix: 'DR' },
      orderingFacility: {
        name: 'CITY CLINIC',
        identifier: '05D1111111',
        assigningAuthority: {
          namespaceId: 'CLIA',
          universalId: '2.16.840.1.113883.4.7',
          universalIdType: 'ISO',
        },
        identifierType: 'XX',
      },
      orderingFacilityAddress: {
        lines: ['1 CLINIC RD'],
        city: 'SPRINGFIELD',
        state: 'IL',
        postalCode: '62701',
      },
      orderingFacilityPhone: {
        use: 'WPN',
        equipmentType: 'PH',
        areaCode: '217',
        localNumber: '5550100',
      },
      resultsReportedTime: '2019-07-20T08:30-05:00',
      diagnosticServiceSection: 'CH',
      resultStatus: 'F',
      notes: [{ text: 'Specimen slightly hemolyzed.\nResults may be affected.', source: 'L' }],
    });
  });

  it('reads an observation with units, range, flags, status, times, lab and notes', () => {
    expect(document.orders[0]?.observations[0]).toEqual({
      setId: 1,
      valueType: 'NM',
      code: {
        codings: [
          { code: '2345-7', display: 'Glucose', system: 'http://loinc.org', systemName: 'LN' },
        ],
      },
      value: { type: 'quantity', value: 105.5, decimal: '105.50' },
      units: {
        code: 'mg/dL',
        display: 'milligram per deciliter',
        system: 'http://unitsofmeasure.org',
        systemName: 'UCUM',
      },
      referenceRange: { text: '70-99', low: 70, high: 99 },
      abnormalFlags: ['H'],
      status: 'F',
      observedAt: '2019-07-20T07:30:00-05:00',
      analyzedAt: '2019-07-20T08:15:00-05:00',
      performingLaboratory: {
        organization: {
          name: 'CITY LAB',
          identifier: '05D0000000',
          assigningAuthority: {
            namespaceId: 'CLIA',
            universalId: '2.16.840.1.113883.4.7',
            universalIdType: 'ISO',
          },
          identifierType: 'XX',
        },
        address: { lines: ['1 LAB WAY'], city: 'SPRINGFIELD', state: 'IL', postalCode: '62701' },
        director: { id: '9876543210', family: 'LEE', given: ['ANNA'], prefix: 'DR', degree: 'MD' },
      },
      notes: [{ text: 'Repeated and confirmed.', source: 'L' }],
    });
  });

  it('reads a specimen with its identifiers, codes, collection period and observations', () => {
    const specimen = document.orders[0]?.specimens[0];

    expect(specimen).toMatchObject({
      setId: 1,
      placerId: { id: 'SP-1', namespaceId: 'EHR' },
      fillerId: { id: 'SP-1F', namespaceId: 'CITY LAB' },
      type: {
        codings: [
          {
            code: '119297000',
            display: 'Blood specimen',
            system: 'http://snomed.info/sct',
            systemName: 'SCT',
          },
        ],
      },
      collectedAt: '2019-07-20T07:30:00-05:00',
      collectedUntil: '2019-07-20T07:35:00-05:00',
      receivedAt: '2019-07-20T07:45:00-05:00',
    });
    expect(specimen?.collectionMethod?.codings[0]?.system).toBe(
      'http://terminology.hl7.org/CodeSystem/v2-0488',
    );
    expect(specimen?.observations.map((o) => o.value)).toEqual([
      {
        type: 'coded',
        concept: {
          codings: [
            {
              code: 'Y',
              display: 'Yes',
              system: 'http://terminology.hl7.org/CodeSystem/v2-0136',
              systemName: 'HL70136',
            },
          ],
        },
      },
    ]);
  });

  it('reads parent links and a coded value with alternate coding and original text', () => {
    const order = document.orders[1];

    expect(order?.parentResult).toEqual({
      observationCode: {
        codings: [
          {
            code: '600-7',
            display: 'Bacteria identified',
            system: 'http://loinc.org',
            systemName: 'LN',
          },
        ],
      },
      subId: '1',
      valueDescriptor: 'E. coli',
    });
    expect(order?.parentOrder).toEqual({
      placerOrderNumber: { id: 'ORD-100', namespaceId: 'EHR' },
      fillerOrderNumber: { id: 'F-200', namespaceId: 'CITY LAB' },
    });
    expect(order?.observations[0]?.value).toEqual({
      type: 'coded',
      concept: {
        codings: [
          {
            code: '112283007',
            display: 'Escherichia coli',
            system: 'http://snomed.info/sct',
            systemName: 'SCT',
          },
          { code: 'ECOLI', display: 'E. coli', systemName: 'L' },
        ],
        text: 'E. coli isolated',
      },
    });
  });

  it.each<[string, string, ObservationValue]>([
    ['NM', '-0.5', { type: 'quantity', value: -0.5, decimal: '-0.5' }],
    ['NM', '007', { type: 'quantity', value: 7, decimal: '007' }],
    ['NM', '<2.22', { type: 'text', text: '<2.22', malformed: true }],
    ['NM', '0 .07', { type: 'text', text: '0 .07', malformed: true }],
    ['SN', '>^100', { type: 'structuredNumeric', comparator: '>', number1: 100 }],
    ['SN', '^1^:^128', { type: 'structuredNumeric', number1: 1, separator: ':', number2: 128 }],
    ['SN', '~^10^-^20', { type: 'structuredNumeric', number1: 10, separator: '-', number2: 20 }],
    ['SN', 'about^ten', { type: 'text', text: 'about^ten', malformed: true }],
    ['ST', String.raw`A \T\ B \S\ C`, { type: 'text', text: 'A & B ^ C' }],
    ['TX', String.raw`Line one\.br\Line two`, { type: 'text', text: 'Line one\nLine two' }],
    ['FT', String.raw`\H\Bold\N\ then plain`, { type: 'text', text: 'Bold then plain' }],
    ['DT', '20190701', { type: 'date', date: '2019-07-01' }],
    ['DT', '2019', { type: 'date', date: '2019' }],
    ['DTM', '20190720083500-0500', { type: 'dateTime', dateTime: '2019-07-20T08:35:00-05:00' }],
    ['TS', '201907200835', { type: 'dateTime', dateTime: '2019-07-20T08:35' }],
    ['DTM', 'yesterday', { type: 'text', text: 'yesterday', malformed: true }],
    ['TM', '0835', { type: 'time', time: '08:35' }],
    [
      'ED',
      '^AP^PDF^Base64^JVBERi0xLjQ=',
      {
        type: 'attachment',
        dataType: 'AP',
        subtype: 'PDF',
        encoding: 'Base64',
        data: 'JVBERi0xLjQ=',
      },
    ],
    ['XAD', '1 MAIN ST^^SPRINGFIELD^IL', { type: 'text', text: '1 MAIN ST^^SPRINGFIELD^IL' }],
    ['', 'Detected', { type: 'text', text: 'Detected' }],
  ])('types OBX-2 %j value %j', (valueType, raw, expected) => {
    const observation = withObx(`OBX|1|${valueType}|5671-3^Lead^LN||${raw}||||||F`).orders[0]
      ?.observations[0];

    expect(observation?.value).toEqual(expected);
  });

  it('keeps further OBX-5 repetitions as additional values', () => {
    const observation = withObx('OBX|1|CWE|5671-3^Lead^LN||A^Alpha^L~B^Beta^L||||||F').orders[0]
      ?.observations[0];

    expect(observation?.value).toEqual({
      type: 'coded',
      concept: { codings: [{ code: 'A', display: 'Alpha', systemName: 'L' }] },
    });
    expect(observation?.additionalValues).toEqual([
      { type: 'coded', concept: { codings: [{ code: 'B', display: 'Beta', systemName: 'L' }] } },
    ]);
  });

  it.each([
    ['70-99', { text: '70-99', low: 70, high: 99 }],
    ['3.5 - 5.1', { text: '3.5 - 5.1', low: 3.5, high: 5.1 }],
    ['<10', { text: '<10', high: 10 }],
    ['<= 0.5', { text: '<= 0.5', high: 0.5 }],
    ['>=60', { text: '>=60', low: 60 }],
    ['Negative', { text: 'Negative' }],
  ])('reads reference range %j', (range, expected) => {
    const observation = withObx(`OBX|1|NM|2345-7^Glucose^LN||90|mg/dL|${range}|N|||F`).orders[0]
      ?.observations[0];

    expect(observation?.referenceRange).toEqual(expected);
  });

  it('lists a time that does not read, with its location, instead of dropping it', () => {
    const report = LAB_REPORT.replace('|201907|F|', '|DOB|F|').replace(
      '|20190720073000-0500|||||20190720081500',
      '|2019-07-20|||||20190720081500',
    );

    const result = toResult(parse(report));

    expect(result.patient.birthDate).toBeUndefined();
    expect(result.orders[0]?.observations[0]?.observedAt).toBeUndefined();
    expect(result.issues).toEqual([
      { code: 'INVALID_DATETIME', location: 'PID-7', text: 'DOB' },
      { code: 'INVALID_DATETIME', location: 'OBX-14', text: '2019-07-20' },
    ]);
    expect(validate(JSON.parse(JSON.stringify(result)))).toBe(true);
  });

  it('treats the HL7 null "" as absent', () => {
    const result = toResult(parse(LAB_REPORT.replace('|201907|F|', '|""|""|')));

    expect(result.patient.birthDate).toBeUndefined();
    expect(result.patient.sex).toBeUndefined();
  });

  it.each([
    ['UNSUPPORTED_MESSAGE_TYPE', 'MSH-9', LAB_REPORT.replace('ORU^R01^ORU_R01', 'ORM^O01')],
    ['MULTIPLE_PATIENTS', 'PID[2]', `${LAB_REPORT}\r${PID.replace('PT-4471', 'PT-5000')}`],
    ['PATIENT_MISSING', 'PID', LAB_REPORT.replace(PID, 'ZPI|1')],
    ['ORDER_MISSING', 'OBR', LAB_REPORT.split('\r').slice(0, 8).join('\r')],
  ])('throws %s at %s', (code, location, text) => {
    const message = parse(text);

    const thrown = (() => {
      try {
        toResult(message);
      } catch (error) {
        return error;
      }
      return undefined;
    })();

    expect(thrown).toBeInstanceOf(Hl7MappingError);
    expect(thrown).toMatchObject({ code, location });
    expect((thrown as Error).message).not.toMatch(/JONES|PT-4471|MARY/);
  });
});

describe('result.schema.json', () => {
  const document = toResult(parse(LAB_REPORT));
  type Json = Record<string | number, unknown>;

  /** Sets (or, for undefined, deletes) the property at `path` of a JSON copy of the document. */
  function spoiled(path: (string | number)[], value: unknown): unknown {
    const copy = JSON.parse(JSON.stringify(document)) as Json;
    let target: Json = copy;
    for (const key of path.slice(0, -1)) target = target[key] as Json;
    const last = path.at(-1) as string | number;
    if (value === undefined) delete target[last];
    else target[last] = value;
    return copy;
  }

  it('has the id the design names and the time patterns datetime.ts writes', () => {
    expect(schema.$id).toBe(RESULT_SCHEMA_ID);
    expect(schema.$defs.date?.pattern).toBe(ISO_PATTERNS.date);
    expect(schema.$defs.dateTime?.pattern).toBe(ISO_PATTERNS.dateTime);
    expect(schema.$defs.time?.pattern).toBe(ISO_PATTERNS.time);
  });

  it.each<[string, (string | number)[], unknown]>([
    ['an hour-only time', ['patient', 'birthDate'], '2019-07-20T08'],
    ['a time zone letter', ['source', 'messageTime'], '2019-07-20T08:35:00Z'],
    ['an unknown value type', ['orders', 0, 'observations', 0, 'value', 'type'], 'number'],
    [
      'a quantity without its decimal',
      ['orders', 0, 'observations', 0, 'value', 'decimal'],
      undefined,
    ],
    ['an empty identifier value', ['patient', 'identifiers', 0, 'value'], ''],
    ['an unknown property', ['patient', 'nickname'], 'Mo'],
    ['a message type other than ORU^R01', ['source', 'messageType'], 'ADT^A01'],
    ['no orders', ['orders'], []],
  ])('rejects %s', (_name, path, value) => {
    expect(validate(JSON.parse(JSON.stringify(document)))).toBe(true);

    const invalid = spoiled(path, value);

    expect(validate(invalid)).toBe(false);
  });
});
