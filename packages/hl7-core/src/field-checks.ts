/**
 * Field checks shared by the segment rules: absence, required fields, TS/DTM dates and
 * CE/CWE coded values, each recording its finding at the location it is given.
 */
import { checkCoded, isDateTime } from './data-type-checks.js';
import type { Findings } from './findings.js';
import type { Hl7Segment } from './segment.js';

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
  location: string,
  findings: Findings,
): void {
  const text = segment.value(field, 1, 1);
  if (!isAbsent(text) && !isDateTime(text)) {
    findings.add('INVALID_DATE_TIME', location, `${location} is not a valid HL7 date and time.`);
  }
}

/** Checks a CE/CWE field's first repetition: something named, and a coding system for a code. */
export function checkCodedField(
  segment: Hl7Segment,
  field: number,
  location: string,
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
  location: string,
  findings: Findings,
): void {
  const component = (n: number): string => segment.value(field, rep, n);
  const outcome = checkCoded({
    identifier: component(1),
    text: component(2),
    codingSystem: component(3),
    alternateIdentifier: component(4),
    alternateText: component(5),
    alternateCodingSystem: component(6),
  });

  if (outcome === 'empty') {
    findings.add('INVALID_CODED_VALUE', location, `${location} has neither a code nor a text.`);
  } else if (outcome === 'coding-system') {
    findings.add('CODING_SYSTEM_MISSING', location, `${location} gives a code without its system.`);
  }
}
