import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeSystemUri } from './code-system.js';
import { fromResult } from './from-result.js';
import { Hl7MappingError } from './mapping-error.js';
import { formatNumber } from './observation-value.js';
import { parse } from './parse.js';
import type {
  CodeableConcept,
  Coding,
  Observation,
  ObservationValue,
  Order,
  ResultDocument,
  Specimen,
} from './result-document.js';
import { toResult } from './result.js';

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile(
  JSON.parse(readFileSync(new URL('../schemas/result.schema.json', import.meta.url), 'utf8')),
);

const GLUCOSE: Observation = {
  setId: 1,
  valueType: 'NM',
  code: {
    codings: [{ code: '2345-7', display: 'Glucose', system: 'http://loinc.org', systemName: 'LN' }],
  },
  value: { type: 'quantity', value: 105.5, decimal: '105.50' },
  units: { code: 'mg/dL', system: 'http://unitsofmeasure.org', systemName: 'UCUM' },
  referenceRange: { text: '70-99', low: 70, high: 99 },
  abnormalFlags: ['H'],
  status: 'F',
  observedAt: '2019-07-20T07:30:00-05:00',
  notes: [{ text: 'Repeated | confirmed ^ twice\nby the day shift', source: 'L' }],
};

const REPORT: ResultDocument = {
  schemaVersion: 1,
  source: {
    controlId: 'MSG00042',
    sendingApplication: { namespaceId: 'LABSYS' },
    sendingFacility: {
      namespaceId: 'CITY LAB',
      universalId: '05D0000000',
      universalIdType: 'CLIA',
    },
    messageTime: '2019-07-20T08:35:00-05:00',
    messageType: 'ORU^R01',
    processingId: 'P',
    version: '2.5.1',
  },
  patient: {
    identifiers: [
      { value: 'PT-4471', assigningAuthority: { namespaceId: 'CITY LAB' }, type: 'MR' },
    ],
    names: [{ family: "O'Brien & Jones", given: ['Llŷr', 'Gwên'] }],
    birthDate: '2019-07',
    sex: 'M',
  },
  orders: [
    {
      placerOrderNumber: { id: 'ORD-100', namespaceId: 'EHR' },
      universalServiceId: {
        codings: [{ code: '24323-8', system: 'http://loinc.org', systemName: 'LN' }],
      },
      priority: 'S',
      resultStatus: 'F',
      observations: [GLUCOSE],
      specimens: [],
    },
  ],
};

describe('fromResult', () => {
  it('builds an ORU^R01 v2.5.1 with fields in their places, values escaped', () => {
    const text = fromResult(REPORT).toString();

    expect(text.split('\r')).toEqual([
      String.raw`MSH|^~\&|LABSYS|CITY LAB^05D0000000^CLIA|||20190720083500-0500||ORU^R01^ORU_R01|MSG00042|P|2.5.1||||||UNICODE UTF-8`,
      String.raw`PID|1||PT-4471^^^CITY LAB^MR||O'Brien \T\ Jones^Llŷr^Gwên||201907|M`,
      'OBR||ORD-100^EHR||24323-8^^LN|||||||||||||||||||||F',
      'TQ1|1||||||||S',
      'OBX|1|NM|2345-7^Glucose^LN||105.50|mg/dL^^UCUM|70-99|H|||F|||20190720073000-0500',
      String.raw`NTE|1|L|Repeated \F\ confirmed \S\ twice\.br\by the day shift`,
      '',
    ]);
  });

  it('writes ORC only for orders that carry ORC data, with the order numbers repeated', () => {
    const order: Order = {
      ...(REPORT.orders[0] as Order),
      orderControl: 'RE',
      orderingProvider: { id: '1234567890', family: 'Smith', given: ['John'] },
    };

    const message = fromResult({ ...REPORT, orders: [order] });

    expect(message.segment('ORC')?.toString()).toBe(
      'ORC|RE|ORD-100^EHR||||||||||1234567890^Smith^John',
    );
    expect(message.get('OBR-16.2')).toBe('Smith');
  });

  it('names OBX-2 from the value when the document gives no value type', () => {
    const observation: Observation = { value: { type: 'time', time: '08:35' } };
    const order: Order = { observations: [observation], specimens: [] };

    const message = fromResult({ ...REPORT, orders: [order] });

    expect(message.get('OBX-2')).toBe('TM');
    expect(message.get('OBX-5')).toBe('0835');
  });

  it('writes values listed as issues back where they were', () => {
    const document: ResultDocument = {
      ...REPORT,
      patient: { sex: 'F' },
      issues: [{ code: 'INVALID_DATETIME', location: 'PID-7', text: 'DOB' }],
    };

    const message = fromResult(document);

    expect(message.get('PID-7')).toBe('DOB');
    expect(toResult(parse(message.toString()))).toEqual(document);
  });

  it.each<[string, ResultDocument]>([
    [
      'source.messageTime',
      { ...REPORT, source: { ...REPORT.source, messageTime: '20 July 2019' } },
    ],
    ['patient.birthDate', { ...REPORT, patient: { birthDate: '2019-07-20T08' } }],
    [
      'orders[0].observations[0].value[0]',
      {
        ...REPORT,
        orders: [{ observations: [{ value: { type: 'date', date: 'July' } }], specimens: [] }],
      },
    ],
    [
      'issues[0]',
      { ...REPORT, issues: [{ code: 'INVALID_NUMBER', location: 'PID 25', text: 'x' }] },
    ],
    [
      'issues[1]',
      {
        ...REPORT,
        issues: [
          { code: 'INVALID_NUMBER', location: 'PID-25', text: 'twin' },
          { code: 'INVALID_DATETIME', location: 'OBX[9]-14', text: 'noon' },
        ],
      },
    ],
  ])('throws INVALID_DOCUMENT naming %s', (location, document) => {
    expect(() => fromResult(document)).toThrow(Hl7MappingError);
    expect(() => fromResult(document)).toThrow(
      expect.objectContaining({ code: 'INVALID_DOCUMENT', location }),
    );
  });

  it.each([
    [0.5, '0.5'],
    [-12, '-12'],
    [1e-7, '0.0000001'],
    [-2.5e-8, '-0.000000025'],
    [1e21, '1000000000000000000000'],
    [1.25e22, '12500000000000000000000'],
  ])('writes the number %d as NM %s', (n, text) => {
    expect(formatNumber(n)).toBe(text);
    expect(Number(text)).toBe(n);
  });
});

const CHARACTERS = [...'aZ09 .-#"', ...'|^~\\&', '\n', ...'ŷêŁé', 'Ll', 'Gwên'];

const text = fc
  .array(fc.constantFrom(...CHARACTERS), { minLength: 1, maxLength: 10 })
  .map((parts) => parts.join(''))
  .filter((s) => s !== '""');
const word = fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,8}$/);
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const nonEmpty = <T extends object>(arb: fc.Arbitrary<T>) =>
  arb.filter((value) => Object.keys(value).length > 0);
const list = <T>(arb: fc.Arbitrary<T>, maxLength = 2) => fc.array(arb, { minLength: 1, maxLength });
const record = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T) =>
  fc.record(model, { requiredKeys: [] });

const two = (n: number) => String(n).padStart(2, '0');
const isoDateTime = fc
  .record({
    year: fc.integer({ min: 1900, max: 2099 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    fraction: fc.stringMatching(/^\d{1,4}$/),
    offset: fc.constantFrom('', '-05:00', '+00:00', '+05:30', '-00:00'),
    precision: fc.integer({ min: 1, max: 6 }),
  })
  .map((t) => {
    const date = [String(t.year), `-${two(t.month)}`, `-${two(t.day)}`];
    const time = [`T${two(t.hour)}:${two(t.minute)}`, `:${two(t.second)}`, `.${t.fraction}`];
    if (t.precision <= 3) return date.slice(0, t.precision).join('');
    return date.join('') + time.slice(0, t.precision - 3).join('') + t.offset;
  });
const isoDate = isoDateTime.map((iso) => iso.slice(0, 10).replace(/T.*$/, ''));
const isoTime = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.boolean())
  .map(([h, m, offset]) => `${two(h)}:${two(m)}${offset ? '+01:00' : ''}`);
const decimal = fc.stringMatching(/^[+-]?\d{1,6}(\.\d{1,4})?$/);
const number = decimal.map(Number).filter((n) => !Object.is(n, -0));

const hd = nonEmpty(record({ namespaceId: text, universalId: text, universalIdType: word }));
const ei = nonEmpty(
  record({ id: text, namespaceId: text, universalId: text, universalIdType: word }),
);
const systemName = fc.constantFrom('LN', 'SCT', 'UCUM', 'HL70078', 'L', '99LAB', 'I10');
const withSystem = (coding: Coding): Coding => {
  const system = coding.systemName === undefined ? undefined : codeSystemUri(coding.systemName);
  return system === undefined ? coding : { ...coding, system };
};
const coding = nonEmpty(record({ code: text, display: text, systemName, version: word })).map(
  withSystem,
);
const units = nonEmpty(record({ code: text, display: text, systemName })).map(withSystem);
const concept: fc.Arbitrary<CodeableConcept> = fc
  .record({ codings: fc.array(coding, { maxLength: 2 }), text: optional(text) })
  .filter((c) => c.codings.length > 0 || c.text !== undefined)
  .map((c) => (c.text === undefined ? { codings: c.codings } : c) as CodeableConcept);
const identifier = fc
  .record({
    value: text,
    more: record({ assigningAuthority: hd, type: word, assigningFacility: hd }),
  })
  .map(({ value, more }) => ({ value, ...more }));
const humanName = nonEmpty(
  record({ family: text, given: list(text), prefix: text, suffix: text, degree: word, type: word }),
);
const address = nonEmpty(
  record({
    lines: list(text),
    city: text,
    state: word,
    postalCode: text,
    country: word,
    type: word,
    county: word,
  }),
);
const contactPoint = nonEmpty(
  record({
    text,
    use: word,
    equipmentType: word,
    email: text,
    countryCode: word,
    areaCode: word,
    localNumber: text,
    extension: word,
  }),
);
const provider = nonEmpty(
  record({
    id: text,
    family: text,
    given: list(text),
    suffix: word,
    prefix: word,
    degree: word,
    assigningAuthority: hd,
    identifierType: word,
  }),
);
const organization = nonEmpty(
  record({ name: text, identifier: text, assigningAuthority: hd, identifierType: word }),
);
const note = fc
  .record({ text: fc.oneof(fc.constant(''), text), more: record({ source: word, type: concept }) })
  .map(({ text: noteText, more }) => ({ text: noteText, ...more }));

/** One kind of OBX value with the OBX-2 codes that read as it. */
const valueKinds: fc.Arbitrary<{ valueTypes: string[]; value: fc.Arbitrary<ObservationValue> }> =
  fc.constantFrom(
    {
      valueTypes: ['NM'],
      value: decimal.map((d) => ({ type: 'quantity', value: Number(d), decimal: d }) as const),
    },
    {
      valueTypes: ['NM'],
      value: text.map((t) => ({ type: 'text', text: `x${t}`, malformed: true }) as const),
    },
    {
      valueTypes: ['SN'],
      value: record({
        comparator: fc.constantFrom('>', '<', '>=', '<=', '=', '<>'),
        number1: number,
        separator: fc.constantFrom('-', '+', '/', '.', ':'),
        number2: number,
      })
        .filter(
          (sn) =>
            sn.comparator !== undefined || sn.number1 !== undefined || sn.number2 !== undefined,
        )
        .map((sn) => ({ type: 'structuredNumeric', ...sn }) as const),
    },
    {
      valueTypes: ['CWE', 'CE', 'CNE'],
      value: concept.map((c) => ({ type: 'coded', concept: c }) as const),
    },
    {
      valueTypes: ['ST', 'TX', 'FT', 'XAD'],
      value: text.map((t) => ({ type: 'text', text: t }) as const),
    },
    { valueTypes: ['DT'], value: isoDate.map((d) => ({ type: 'date', date: d }) as const) },
    {
      valueTypes: ['DTM', 'TS'],
      value: isoDateTime.map((d) => ({ type: 'dateTime', dateTime: d }) as const),
    },
    { valueTypes: ['TM'], value: isoTime.map((t) => ({ type: 'time', time: t }) as const) },
    {
      valueTypes: ['ED'],
      value: fc
        .record({
          data: text,
          more: record({ sourceApplication: hd, dataType: word, subtype: word, encoding: word }),
        })
        .map(({ data, more }) => ({ type: 'attachment', ...more, data }) as const),
    },
  );

const observationValues = valueKinds.chain(({ valueTypes, value }) =>
  fc.record({ valueType: fc.constantFrom(...valueTypes), values: list(value, 3) }),
);

const referenceRange = fc.oneof(
  fc.tuple(decimal, decimal).map(([low, high]) => ({
    text: `${low.replace(/^[+-]/, '')}-${high.replace(/^[+-]/, '')}`,
    low: Number(low.replace(/^[+-]/, '')),
    high: Number(high.replace(/^[+-]/, '')),
  })),
  decimal.map((d) => ({ text: `<${d}`, high: Number(d) })),
  word.map((w) => ({ text: `${w}` })),
);

const observation: fc.Arbitrary<Observation> = fc
  .record({
    fields: record({
      setId: fc.nat(999),
      code: concept,
      subId: text,
      units,
      referenceRange,
      abnormalFlags: list(word, 3),
      status: word,
      observedAt: isoDateTime,
      producer: concept,
      responsibleObservers: list(provider),
      methods: list(concept),
      analyzedAt: isoDateTime,
      performingLaboratory: nonEmpty(record({ organization, address, director: provider })),
      notes: list(note, 3),
    }),
    values: optional(observationValues),
  })
  .map(({ fields, values }) => {
    if (values === undefined) return fields;
    const [value, ...rest] = values.values;
    const typed: Observation = { ...fields, valueType: values.valueType, value };
    if (rest.length > 0) typed.additionalValues = rest;
    return typed;
  });

const specimen: fc.Arbitrary<Specimen> = fc
  .record({
    fields: record({
      setId: fc.nat(99),
      placerId: ei,
      fillerId: ei,
      type: concept,
      collectionMethod: concept,
      sourceSite: concept,
      roles: list(concept),
      collectedAt: isoDateTime,
      collectedUntil: isoDateTime,
      receivedAt: isoDateTime,
      rejectReasons: list(concept),
      conditions: list(concept),
    }),
    observations: fc.array(observation, { maxLength: 2 }),
  })
  .map(({ fields, observations }) => ({ ...fields, observations }));

const order: fc.Arbitrary<Order> = fc
  .record({
    fields: record({
      setId: fc.nat(99),
      orderControl: word,
      placerOrderNumber: ei,
      fillerOrderNumber: ei,
      placerGroupNumber: ei,
      orderStatus: word,
      universalServiceId: concept,
      priority: word,
      observationTime: isoDateTime,
      observationEndTime: isoDateTime,
      specimenReceivedTime: isoDateTime,
      orderingProvider: provider,
      orderingFacility: organization,
      orderingFacilityAddress: address,
      orderingFacilityPhone: contactPoint,
      resultsReportedTime: isoDateTime,
      diagnosticServiceSection: word,
      resultStatus: fc.constantFrom('F', 'P', 'C', 'X'),
      parentResult: nonEmpty(
        record({ observationCode: concept, subId: text, valueDescriptor: text }),
      ),
      parentOrder: nonEmpty(record({ placerOrderNumber: ei, fillerOrderNumber: ei })),
      reasonsForStudy: list(concept),
      notes: list(note, 3),
    }),
    observations: fc.array(observation, { maxLength: 3 }),
    specimens: fc.array(specimen, { maxLength: 2 }),
  })
  .map(({ fields, observations, specimens }) => ({ ...fields, observations, specimens }));

const contact = nonEmpty(
  record({
    names: list(humanName),
    relationship: concept,
    addresses: list(address),
    phones: list(contactPoint),
    businessPhones: list(contactPoint),
    role: concept,
  }),
);

const patient = record({
  identifiers: list(identifier, 3),
  names: list(humanName),
  mothersMaidenNames: list(humanName),
  birthDate: isoDateTime,
  sex: fc.constantFrom('F', 'M', 'O', 'U'),
  races: list(concept),
  addresses: list(address),
  phones: list(contactPoint),
  businessPhones: list(contactPoint),
  accountNumber: identifier,
  ethnicGroups: list(concept),
  multipleBirthIndicator: fc.constantFrom('Y', 'N'),
  birthOrder: fc.nat(9),
  deathTime: isoDateTime,
  deathIndicator: fc.constantFrom('Y', 'N'),
  contacts: list(contact),
  notes: list(note, 3),
});

const visit = nonEmpty(
  record({
    class: fc.constantFrom('I', 'O', 'E'),
    location: nonEmpty(
      record({
        pointOfCare: text,
        room: text,
        bed: text,
        facility: hd,
        type: word,
        building: text,
        floor: text,
        description: text,
      }),
    ),
    admissionType: word,
    attendingDoctors: list(provider),
    referringDoctors: list(provider),
    hospitalService: word,
    visitNumber: identifier,
    admitTime: isoDateTime,
    dischargeTime: isoDateTime,
    admitReason: concept,
  }),
);

const source = fc
  .record({
    version: fc.constantFrom('2.5.1', '2.3'),
    more: record({
      controlId: text,
      sendingApplication: hd,
      sendingFacility: hd,
      receivingApplication: hd,
      receivingFacility: hd,
      messageTime: isoDateTime,
      processingId: fc.constantFrom('P', 'T', 'D'),
      profiles: list(ei),
    }),
  })
  .map(({ version, more }) => ({ messageType: 'ORU^R01' as const, version, ...more }));

const resultDocument: fc.Arbitrary<ResultDocument> = fc
  .record({
    source,
    patient,
    visit: optional(visit),
    orders: list(order, 3),
    badBirthDate: fc.option(word),
  })
  .map(({ visit: v, badBirthDate, ...rest }) => {
    const document: ResultDocument = { schemaVersion: 1, ...rest };
    if (v !== undefined) document.visit = v;
    if (badBirthDate !== null && document.patient.birthDate === undefined) {
      document.issues = [{ code: 'INVALID_DATETIME', location: 'PID-7', text: badBirthDate }];
    }
    return document;
  });

describe('toResult(parse(fromResult(doc)))', () => {
  it('gives back the document it started from, for Welsh names and delimiter characters', () => {
    const again = toResult(parse(fromResult(REPORT).toString()));

    expect(again).toEqual(REPORT);
    expect(again.patient.names?.[0]?.given).toEqual(['Llŷr', 'Gwên']);
  });

  it('gives back every generated document, and every one of them is schema-valid', () => {
    fc.assert(
      fc.property(resultDocument, (document) => {
        expect(validate(JSON.parse(JSON.stringify(document)))).toBe(true);

        const text = fromResult(document).toString();
        const again = toResult(parse(text));

        expect(again).toEqual(document);
      }),
      { numRuns: 100 },
    );
  });
});
