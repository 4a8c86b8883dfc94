/**
 * Field checks shared by the segment rules: absence, required fields, TS/DTM dates and
 * CE/CWE coded values, each recording its finding at the location it is given.
 */
import { checkCoded, isDateTime } from './data-type-checks.js';
import { FieldRepetition } from './field-repetition.js';
import type { Findings } from './findings.js';
import type { Hl7Segment } from './segment.js';

/**
 * Where a finding is, such as `OBX[3]-5`, or a function that writes it: rules run on every
 * field of every message but rarely find anything, so a location is best written only then.
 */
export type FindingLocation = string | (() => string);

/** The text of a location given either way. */
export function locationText(location: FindingLocation): string {
  return typeof location === 'string' ? location : location();
}

/** True for an empty value and for the HL7 explicit null `""`, which carries no value either. */
export function isAbsent(text: string): boolean {
  return text === '' || text === '""';
}

/** Records a missing required field, naming the field so an essential one stays an error. */
export function missing(findings: Findings, location: string, field: string): void {
  findings.add('REQUIRED_FIELD_MISSING', location, `${location} is required and empty.`, field);
}

/** Checks the first component of a TS/DTM field (MSH-7, PID-7, OBR-7, OBX-14) as a DTM. */
export function checkDateTimeField(
  segment: Hl7Segment,
  field: number,
  location: FindingLocation,
  findings: Findings,
): void {
  const text = segment.value(field, 1, 1);
  if (!isAbsent(text) && !isDateTime(text)) {
    const at = locationText(location);
    findings.add('INVALID_DATE_TIME', at, `${at} is not a valid HL7 date and time.`);
  }
}

/** Checks a CE/CWE field's first repetition: something named, and a coding system for a code. */
export function checkCodedField(
  segment: Hl7Segment,
  field: number,
  location: FindingLocation,
  findings: Findings,
): void {
  if (isAbsent(segment.field(field))) return;
  checkCodedRepetition(segment, field, 1, location, findings);
}

/** Checks repetition `rep` of a CE/CWE field: something named, and a coding system for a code. */
export function checkCodedRepetition(
  segment: Hl7Segment,
  field: number,
  rep: number,
  location: FindingLocation,
  findings: Findings,
): void {
  const value = new FieldRepetition(segment, field, rep);
  const outcome = checkCoded({
    identifier: value.componentValue(1),
    text: value.componentValue(2),
    codingSystem: value.componentValue(3),
    alternateIdentifier: value.componentValue(4),
    alternateText: value.componentValue(5),
    alternateCodingSystem: value.componentValue(6),
  });
  if (outcome === 'ok') return;

  const at = locationText(location);
  if (outcome === 'empty') {
    findings.add('INVALID_CODED_VALUE', at, `${at} has neither a code nor a text.`);
  } else {
    findings.add('CODING_SYSTEM_MISSING', at, `${at} gives a code without its system.`);
  }
}
