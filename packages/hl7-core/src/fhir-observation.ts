/**
 * OBX (with its NTE notes) as a FHIR R4 Observation, following the HL7 Version 2 to FHIR
 * guide's OBX → Observation map: OBX-2/5/6 → value[x], OBX-3 → code, OBX-7 → referenceRange,
 * OBX-8 → interpretation (table 0078), OBX-11 → status (table 0085), OBX-14 → effective,
 * OBX-17 → method, NTE → note; from the order, OBR-7 → effective when OBX-14 is empty and
 * OBR-22 → issued.
 */
import { Buffer } from 'node:buffer';

import type * as fhir4 from 'fhir/r4.js';

import type { FhirMappingContext } from './fhir-context.js';
import {
  annotations,
  codeableConcept,
  defined,
  nonEmpty,
  quantity,
  requiredConcept,
} from './fhir-datatypes.js';
import {
  fhirDate,
  fhirDateTime,
  fhirDateTimeExact,
  fhirInstant,
  fhirTime,
} from './fhir-datetime.js';
import type { KeyIdentifier } from './fhir-identity.js';
import { interpretationOf, observationStatusOf } from './fhir-terminology.js';
import type {
  AttachmentValue,
  Coding,
  Observation,
  ObservationValue,
  StructuredNumericValue,
} from './result-document.js';

const LABORATORY: fhir4.CodeableConcept = {
  coding: [
    {
      system: 'http://terminology.hl7.org/CodeSystem/observation-category',
      code: 'laboratory',
      display: 'Laboratory',
    },
  ],
};

const QUANTITY_COMPARATORS = new Set(['<', '<=', '>', '>=']);

/** What an Observation takes from the order and specimen around it. */
export interface ObservationSetting {
  /** The order's key identifier, which the Observation's own key extends. */
  readonly orderKey: KeyIdentifier;
  /** Where the OBX sits in its order: `OBX-<set id>`, or `SPM-<n>/OBX-<set id>` under an SPM. */
  readonly position: string;
  /** The Patient. */
  readonly subject: fhir4.Reference;
  /** The ServiceRequest for the order. */
  readonly basedOn: fhir4.Reference;
  /** The Specimen the observation was made on, when it is known. */
  readonly specimen: fhir4.Reference | undefined;
  /** OBR-7, the effective time when OBX-14 is empty. */
  readonly orderObservedAt: string | undefined;
  /** OBR-22, when the results were reported. */
  readonly reportedAt: string | undefined;
}

/** The Observation added, and any encapsulated data (ED) it held. */
export interface MappedObservation {
  /** A reference to the Observation. */
  readonly reference: fhir4.Reference;
  /** OBX-5 ED values, which R4 `Observation.value[x]` cannot hold. */
  readonly attachments: fhir4.Attachment[];
}

/**
 * Adds an Observation for one OBX and returns a reference to it. The Observation is keyed on
 * an identifier derived from its order's: `<order key>/<position>/<OBX-3 code>[/<OBX-4>]`, in
 * the order key's system, which it also carries in `identifier`.
 *
 * OBX-5 by type: NM → valueQuantity (UCUM system and code when OBX-6 names UCUM); SN → a
 * valueQuantity with its comparator, a valueRange for `n-m`, a valueRatio for `n:m` and `n/m`,
 * and the text as sent for any other form; coded → valueCodeableConcept; text →
 * valueString (repetitions joined by line feeds); DT, DTM → valueDateTime (valueString when
 * a time's offset is unknown); TM → valueTime. ED cannot be an R4 Observation value: it is
 * returned for `DiagnosticReport.presentedForm`, and the Observation says `unsupported` in
 * `dataAbsentReason`. Further OBX-5 repetitions of other types become components with the
 * Observation's code.
 */
export function addObservation(
  context: FhirMappingContext,
  observation: Observation,
  setting: ObservationSetting,
): MappedObservation {
  const codeKey = observation.code?.codings[0]?.code ?? observation.code?.text ?? 'no-code';
  const subId = observation.subId === undefined ? '' : `/${observation.subId}`;
  const key = context.entries.unique('Observation', {
    system: setting.orderKey.system,
    value: `${setting.orderKey.value}/${setting.position}/${codeKey}${subId}`,
  });

  const code = requiredConcept(observation.code);
  const values = [observation.value, ...(observation.additionalValues ?? [])].filter(
    (value): value is ObservationValue => value !== undefined,
  );
  const attachments = values
    .filter((value): value is AttachmentValue => value.type === 'attachment')
    .map(attachment);
  const value = observationValue(values, observation.units, context.timeZone);
  const status = observationStatusOf(observation.status);
  const effective = observation.observedAt ?? setting.orderObservedAt;

  const resource: fhir4.Observation = defined({
    resourceType: 'Observation' as const,
    identifier: [key],
    basedOn: [setting.basedOn],
    status,
    category: [LABORATORY],
    code,
    subject: setting.subject,
    effectiveDateTime: effective && fhirDateTime(effective, context.timeZone),
    issued: setting.reportedAt && fhirInstant(setting.reportedAt, context.timeZone),
    ...value.value,
    dataAbsentReason: value.value === undefined ? absence(status, attachments) : undefined,
    interpretation: nonEmpty(observation.abnormalFlags?.map(interpretationOf)),
    note: annotations(observation.notes),
    method: codeableConcept(observation.methods?.[0]),
    specimen: setting.specimen,
    referenceRange: referenceRange(observation),
    component: nonEmpty(value.extra.map((extra) => ({ code, ...extra }))),
  });
  return { reference: context.entries.add(resource, key), attachments };
}

type ValueElements = Pick<
  fhir4.Observation,
  | 'valueQuantity'
  | 'valueCodeableConcept'
  | 'valueString'
  | 'valueRange'
  | 'valueRatio'
  | 'valueTime'
  | 'valueDateTime'
>;

/** The value[x] of the first value, and of each further value that needs a component. */
function observationValue(
  values: readonly ObservationValue[],
  units: Coding | undefined,
  timeZone: string | undefined,
): { value: ValueElements | undefined; extra: ValueElements[] } {
  const typed = values.filter((value) => value.type !== 'attachment');
  const [first, ...rest] = typed;
  if (first === undefined) return { value: undefined, extra: [] };

  if (first.type === 'text' && rest.every((value) => value.type === 'text')) {
    const text = [first, ...rest].map((value) => (value.type === 'text' ? value.text : ''));
    return { value: { valueString: text.join('\n') }, extra: [] };
  }
  const extra = rest.map((value) => valueElements(value, units, timeZone));
  return { value: valueElements(first, units, timeZone), extra };
}

function valueElements(
  value: Exclude<ObservationValue, AttachmentValue>,
  units: Coding | undefined,
  timeZone: string | undefined,
): ValueElements {
  switch (value.type) {
    case 'quantity':
      return { valueQuantity: quantity(value.value, units) };
    case 'structuredNumeric':
      return structuredNumeric(value, units);
    case 'coded': {
      const concept = codeableConcept(value.concept);
      return concept === undefined ? {} : { valueCodeableConcept: concept };
    }
    case 'text':
      return { valueString: value.text };
    case 'date': {
      const date = fhirDate(value.date);
      return date === undefined ? { valueString: value.date } : { valueDateTime: date };
    }
    case 'dateTime': {
      const dateTime = fhirDateTimeExact(value.dateTime, timeZone);
      return dateTime === undefined ? { valueString: value.dateTime } : { valueDateTime: dateTime };
    }
    case 'time': {
      const time = fhirTime(value.time);
      return time === undefined ? { valueString: value.time } : { valueTime: time };
    }
  }
}

function structuredNumeric(
  value: StructuredNumericValue,
  units: Coding | undefined,
): ValueElements {
  const { comparator, number1, separator, number2 } = value;

  if (number1 !== undefined && separator === undefined && number2 === undefined) {
    if (comparator === undefined || comparator === '=') {
      return { valueQuantity: quantity(number1, units) };
    }
    if (QUANTITY_COMPARATORS.has(comparator)) {
      const { value: n, ...unit } = quantity(number1, units);
      return {
        valueQuantity: {
          value: n,
          comparator: comparator as fhir4.Quantity['comparator'],
          ...unit,
        },
      };
    }
  }
  if (comparator === undefined && number1 !== undefined && number2 !== undefined) {
    if (separator === '-') {
      return { valueRange: { low: quantity(number1, units), high: quantity(number2, units) } };
    }
    if (separator === ':' || separator === '/') {
      return { valueRatio: { numerator: { value: number1 }, denominator: { value: number2 } } };
    }
  }
  // `<>5`, `2+`, `1.3` and other forms have no structured FHIR equivalent.
  return {
    valueString: [comparator, number1, separator, number2].filter((p) => p !== undefined).join(''),
  };
}

function absence(
  status: fhir4.Observation['status'],
  attachments: readonly fhir4.Attachment[],
): fhir4.CodeableConcept {
  const system = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';
  if (attachments.length > 0) return { coding: [{ system, code: 'unsupported' }] };
  return { coding: [{ system, code: status === 'cancelled' ? 'not-performed' : 'unknown' }] };
}

function referenceRange(observation: Observation): fhir4.ObservationReferenceRange[] | undefined {
  const range = observation.referenceRange;
  if (range === undefined) return undefined;
  return [
    defined({
      low: range.low === undefined ? undefined : quantity(range.low, observation.units),
      high: range.high === undefined ? undefined : quantity(range.high, observation.units),
      text: range.text,
    }),
  ];
}

/**
 * ED as an Attachment: the media type from ED-2 and ED-3 (`AP`/`PDF` → `application/pdf`), the
 * data as base64 whatever ED-4 says it was (Base64 kept, Hex and plain text converted).
 */
function attachment(value: AttachmentValue): fhir4.Attachment {
  const encoding = value.encoding?.toUpperCase();
  let data: string;
  if (encoding === 'BASE64') data = value.data.replace(/\s+/g, '');
  else if (encoding === 'HEX')
    data = Buffer.from(value.data.replace(/\s+/g, ''), 'hex').toString('base64');
  else data = Buffer.from(value.data, 'utf8').toString('base64');
  return defined({ contentType: mediaType(value), data });
}

function mediaType(value: AttachmentValue): string | undefined {
  const types: Record<string, string> = {
    AP: 'application',
    AU: 'audio',
    IM: 'image',
    TEXT: 'text',
    MULTIPART: 'multipart',
  };
  const type = value.dataType === undefined ? undefined : types[value.dataType.toUpperCase()];
  const subtype = value.subtype?.toLowerCase();
  if (subtype?.includes('/')) return subtype;
  if (type === 'text' && subtype === undefined) return 'text/plain';
  return type === undefined || subtype === undefined ? undefined : `${type}/${subtype}`;
}
