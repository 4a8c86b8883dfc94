/**
 * OBX-5 typed by OBX-2 (HL7 v2.5.1 section 7.4.2.2 and table 0125), read into the result
 * document's value union and written back; and OBX-7 reference ranges.
 */
import {
  compact,
  fieldSlot,
  present,
  readConcept,
  readHd,
  writeConcept,
  writeHd,
  type FieldSlot,
  type Slot,
} from './data-types.js';
import {
  hl7DateTimeToIso,
  hl7DateToIso,
  hl7TimeToIso,
  isoToHl7DateTime,
  isoToHl7Time,
} from './datetime.js';
import { repetitionsOf } from './field-repetition.js';
import { Hl7MappingError } from './mapping-error.js';
import type { ObservationValue, ReferenceRange, TextValue } from './result-document.js';
import type { Hl7Segment } from './segment.js';

const NM = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
const SN_COMPARATORS = new Set(['>', '<', '>=', '<=', '=', '<>']);
const SN_SEPARATORS = new Set(['-', '+', '/', '.', ':']);
const CODED_TYPES = new Set(['CE', 'CWE', 'CNE', 'CF']);
const NUMBER = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)`;
const RANGE = new RegExp(String.raw`^\s*(${NUMBER})\s*-\s*(${NUMBER})\s*$`);
const BOUND = new RegExp(String.raw`^\s*([<>])=?\s*(${NUMBER})\s*$`);

/**
 * Every non-empty repetition of OBX-5, typed by OBX-2: NM → quantity; SN → structured
 * numeric; CE, CWE, CNE, CF → coded; DT → date; DTM, TS → dateTime; TM → time; ED →
 * attachment; ST, TX, FT and any other type → text. A value that does not read as its
 * declared NM, SN, DT, DTM, TS or TM is kept as text marked `malformed`, so nothing sent
 * is lost. Throws nothing.
 */
export function readObservationValues(obx: Hl7Segment): ObservationValue[] {
  const valueType = obx.value(2, 1, 1).trim().toUpperCase();
  const values: ObservationValue[] = [];
  const repetitions = repetitionsOf(obx, 5);
  for (let r = 1; r <= repetitions; r++) {
    const value = readValue(obx, r, valueType);
    if (value !== undefined) values.push(value);
  }
  return values;
}

function readValue(obx: Hl7Segment, r: number, valueType: string): ObservationValue | undefined {
  const whole = present(obx.value(5, r));
  if (whole === undefined) return undefined;
  // Only composite types read components; NM and text, nearly every value, need no slot.
  const slot = (): FieldSlot => fieldSlot(obx, 5, r);

  if (CODED_TYPES.has(valueType)) {
    const concept = readConcept(slot());
    return concept === undefined ? undefined : { type: 'coded', concept };
  }
  switch (valueType) {
    case 'NM': {
      const decimal = whole.trim();
      return NM.test(decimal)
        ? { type: 'quantity', value: Number(decimal), decimal }
        : malformed(whole);
    }
    case 'SN':
      return readStructuredNumeric(slot()) ?? malformed(whole);
    case 'DT':
      return typed('date', hl7DateToIso(whole), whole);
    case 'DTM':
    case 'TS':
      return typed('dateTime', hl7DateTimeToIso(slot().read(1) ?? ''), whole);
    case 'TM':
      return typed('time', hl7TimeToIso(whole), whole);
    case 'ED': {
      const parts = slot();
      return {
        type: 'attachment',
        ...compact({
          sourceApplication: readHd(parts.component(1)),
          dataType: parts.read(2),
          subtype: parts.read(3),
          encoding: parts.read(4),
        }),
        data: parts.read(5) ?? '',
      };
    }
    default:
      return { type: 'text', text: whole };
  }
}

function malformed(text: string): TextValue {
  return { type: 'text', text, malformed: true };
}

function typed(
  type: 'date' | 'dateTime' | 'time',
  iso: string | undefined,
  whole: string,
): ObservationValue {
  if (iso === undefined) return malformed(whole);
  if (type === 'date') return { type, date: iso };
  if (type === 'dateTime') return { type, dateTime: iso };
  return { type, time: iso };
}

function readStructuredNumeric(slot: Slot): ObservationValue | undefined {
  const comparator = slot.read(1);
  const number1 = slot.read(2);
  const separator = slot.read(3);
  const number2 = slot.read(4);
  if (comparator !== undefined && !SN_COMPARATORS.has(comparator)) return undefined;
  if (separator !== undefined && !SN_SEPARATORS.has(separator)) return undefined;
  if (number1 !== undefined && !NM.test(number1.trim())) return undefined;
  if (number2 !== undefined && !NM.test(number2.trim())) return undefined;
  if (number1 === undefined && number2 === undefined && comparator === undefined) return undefined;

  const value: ObservationValue = { type: 'structuredNumeric' };
  if (comparator !== undefined) value.comparator = comparator;
  if (number1 !== undefined) value.number1 = Number(number1.trim());
  if (separator !== undefined) value.separator = separator;
  if (number2 !== undefined) value.number2 = Number(number2.trim());
  return value;
}

/**
 * The OBX-2 code to write for a value when the document names none: `quantity` → `NM`,
 * `coded` → `CWE`, and so on; undefined for text, which reads back as text without one.
 */
export function valueTypeOf(value: ObservationValue): string | undefined {
  const types: Record<ObservationValue['type'], string | undefined> = {
    quantity: 'NM',
    structuredNumeric: 'SN',
    coded: 'CWE',
    date: 'DT',
    dateTime: 'DTM',
    time: 'TM',
    attachment: 'ED',
    text: undefined,
  };
  return types[value.type];
}

/**
 * Writes `values` as the repetitions of OBX-5, escaped.
 * @throws Hl7MappingError `INVALID_DOCUMENT` when a date, date-time or time is not ISO 8601
 *   (`location` names the document path, built from `path`).
 */
export function writeObservationValues(
  obx: Hl7Segment,
  values: readonly ObservationValue[],
  path: string,
): void {
  values.forEach((value, i) => {
    const r = i + 1;
    const slot = fieldSlot(obx, 5, r);
    switch (value.type) {
      case 'quantity':
        obx.set(`5[${r}]`, value.decimal);
        break;
      case 'structuredNumeric':
        slot.write(1, value.comparator);
        slot.write(2, value.number1 === undefined ? undefined : formatNumber(value.number1));
        slot.write(3, value.separator);
        slot.write(4, value.number2 === undefined ? undefined : formatNumber(value.number2));
        break;
      case 'coded':
        writeConcept(slot, value.concept);
        break;
      case 'text':
        obx.set(`5[${r}]`, value.text);
        break;
      case 'date':
      case 'dateTime':
        obx.set(`5[${r}]`, required(isoToHl7DateTime(dateOf(value)), `${path}[${i}]`));
        break;
      case 'time':
        obx.set(`5[${r}]`, required(isoToHl7Time(value.time), `${path}[${i}]`));
        break;
      case 'attachment':
        writeHd(slot.component(1), value.sourceApplication);
        slot.write(2, value.dataType);
        slot.write(3, value.subtype);
        slot.write(4, value.encoding);
        slot.write(5, value.data);
        break;
    }
  });
}

function dateOf(value: { type: 'date'; date: string } | { type: 'dateTime'; dateTime: string }) {
  return value.type === 'date' ? value.date : value.dateTime;
}

function required(hl7: string | undefined, path: string): string {
  if (hl7 === undefined) {
    throw new Hl7MappingError('INVALID_DOCUMENT', `${path} is not an ISO 8601 date or time`, path);
  }
  return hl7;
}

/**
 * A number as an HL7 NM: plain decimal notation, never an exponent (`1e-7` → `0.0000001`).
 */
export function formatNumber(n: number): string {
  const text = String(n);
  const exponent = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!exponent) return text;
  const [, sign, lead, rest = '', power] = exponent as string[];
  const digits = lead + rest;
  const point = 1 + Number(power);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  return sign + digits.padEnd(point, '0');
}

/**
 * OBX-7 as sent, with numeric bounds when it reads as `low-high`, `<high`, `<=high`,
 * `>low` or `>=low`. Undefined when OBX-7 is empty. Throws nothing.
 */
export function readReferenceRange(obx: Hl7Segment): ReferenceRange | undefined {
  const text = present(obx.value(7));
  if (text === undefined) return undefined;

  const range = RANGE.exec(text);
  if (range) return { text, low: Number(range[1]), high: Number(range[2]) };
  const bound = BOUND.exec(text);
  if (bound?.[1] === '<') return { text, high: Number(bound[2]) };
  if (bound?.[1] === '>') return { text, low: Number(bound[2]) };
  return { text };
}
