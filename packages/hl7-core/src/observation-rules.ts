/**
 * The rules for one OBX segment (v2.5.1 section 7.4.2): required fields, the value in OBX-5
 * read as the type OBX-2 names, the coded fields OBX-8 and OBX-11, the date in OBX-14, and
 * the field shift of senders that leave OBX-4 out.
 */
import { isDate, isDateTime, isNumeric, isStructuredNumeric, isTime } from './data-type-checks.js';
import {
  checkCodedField,
  checkCodedRepetition,
  checkDateTimeField,
  isAbsent,
  locationText,
  missing,
  type FindingLocation,
} from './field-checks.js';
import { repetitionsOf } from './field-repetition.js';
import type { Findings } from './findings.js';
import { formatLocation } from './path.js';
import type { Hl7Segment } from './segment.js';
import {
  ABNORMAL_FLAGS,
  OBSERVATION_RESULT_STATUS,
  STATUSES_WITHOUT_VALUE,
  VALUE_TYPE,
} from './tables.js';

const NUMERIC_TYPES: ReadonlySet<string> = new Set(['NM', 'SN']);
const CODED_TYPES: ReadonlySet<string> = new Set(['CE', 'CWE', 'CNE']);

/** Unit strings such as `10*3/uL`, `mg/dL`, `%`: short, no spaces, at least one letter or `%`. */
const UNITS = /^(?=.*[A-Za-z%])[A-Za-z0-9%*/.[\]{}()'_-]{1,20}$/;
/** What OBX-6 holds when the fields shifted: a reference range such as `4.0-11.0` or `<5`. */
const RANGE = /^[<>]?=?\s*[+-]?\.?\d/;

/**
 * Checks one OBX. `requireFields` is true for messages whose structure the validator knows
 * (ORU^R01); elsewhere only the data types and tables are checked.
 */
export function checkObservation(
  obx: Hl7Segment,
  occurrence: number,
  findings: Findings,
  requireFields: boolean,
): void {
  const at = (field: number): string => formatLocation('OBX', occurrence, field);
  const valueType = obx.value(2, 1, 1);
  const status = obx.value(11, 1, 1);
  const hasValue = !isAbsent(obx.field(5));

  if (requireFields) {
    if (isAbsent(obx.field(3))) missing(findings, at(3), 'OBX-3');
    if (isAbsent(status)) missing(findings, at(11), 'OBX-11');
    if (hasValue && isAbsent(valueType)) missing(findings, at(2), 'OBX-2');
    if (!hasValue && !STATUSES_WITHOUT_VALUE.has(status)) missing(findings, at(5), 'OBX-5');
  }

  if (!isAbsent(valueType) && !VALUE_TYPE.values.has(valueType)) {
    findings.add('TABLE_VALUE_NOT_FOUND', at(2), `${at(2)} is not a value type in table 0125.`);
  }
  checkCodedField(obx, 3, () => at(3), findings);

  if (hasValue && shifted(obx, valueType)) {
    findings.add(
      'OBX_FIELD_SHIFT',
      at(4),
      `${at(4)} holds the ${valueType} value and ${at(5)} its units: OBX-4 seems left out.`,
    );
  } else if (hasValue) {
    checkValue(obx, valueType, () => at(5), findings);
  }

  const flags = repetitionsOf(obx, 8);
  for (let rep = 1; rep <= flags; rep++) {
    const flag = obx.value(8, rep, 1);
    if (!isAbsent(flag) && !ABNORMAL_FLAGS.values.has(flag)) {
      const location = rep > 1 ? `${at(8)}[${rep}]` : at(8);
      findings.add('TABLE_VALUE_NOT_FOUND', location, `${location} is not a flag in table 0078.`);
    }
  }
  if (!isAbsent(status) && !OBSERVATION_RESULT_STATUS.values.has(status)) {
    findings.add('TABLE_VALUE_NOT_FOUND', at(11), `${at(11)} is not a status in table 0085.`);
  }
  checkDateTimeField(obx, 14, () => at(14), findings);
}

/** Checks every repetition of OBX-5 as the type OBX-2 names; other types are free text here. */
function checkValue(
  obx: Hl7Segment,
  valueType: string,
  location: FindingLocation,
  findings: Findings,
): void {
  const repetitions = repetitionsOf(obx, 5);
  for (let rep = 1; rep <= repetitions; rep++) {
    if (isAbsent(obx.raw(5, rep))) continue;
    const where = (): string =>
      rep > 1 ? `${locationText(location)}[${rep}]` : locationText(location);

    if (CODED_TYPES.has(valueType)) {
      checkCodedRepetition(obx, 5, rep, where, findings);
    } else if (!conforms(obx, 5, rep, valueType)) {
      const code =
        valueType === 'NM'
          ? 'INVALID_NUMERIC'
          : valueType === 'SN'
            ? 'INVALID_STRUCTURED_NUMERIC'
            : 'INVALID_DATE_TIME';
      const at = where();
      findings.add(code, at, `${at} is not a valid ${valueType} value.`);
    }
  }
}

/** True when repetition `rep` of `field` is a valid value of `valueType`; unchecked types pass. */
function conforms(segment: Hl7Segment, field: number, rep: number, valueType: string): boolean {
  switch (valueType) {
    case 'NM':
      return isNumeric(segment.value(field, rep));
    case 'SN':
      return isStructuredNumeric(components(segment, field, rep));
    case 'DT':
      return isDate(segment.value(field, rep));
    case 'TM':
      return isTime(segment.value(field, rep));
    case 'DTM':
      return isDateTime(segment.value(field, rep));
    case 'TS':
      return isDateTime(segment.value(field, rep, 1));
    default:
      return true;
  }
}

function components(segment: Hl7Segment, field: number, rep: number): string[] {
  const count = segment.raw(field, rep).split(segment.delimiters.component).length;
  return Array.from({ length: count }, (_, i) => segment.value(field, rep, i + 1));
}

/**
 * True when the value seems to sit in OBX-4 and its units in OBX-5 because the sender left
 * OBX-4 out: OBX-5 fails the numeric type but reads as units, OBX-4 passes it, and OBX-6 is
 * empty or reads as a reference range rather than units of its own.
 */
function shifted(obx: Hl7Segment, valueType: string): boolean {
  if (!NUMERIC_TYPES.has(valueType) || repetitionsOf(obx, 5) > 1) return false;
  if (isAbsent(obx.field(4)) || conforms(obx, 5, 1, valueType)) return false;
  if (!conforms(obx, 4, 1, valueType) || !UNITS.test(obx.value(5, 1, 1))) return false;

  const range = obx.value(6, 1, 1);
  return isAbsent(range) || RANGE.test(range);
}
