/**
 * Validates a parsed message: the header of every message, the full structure of ORU^R01,
 * and the data types and table values of the fields the gateway reads.
 */
import { Findings } from './findings.js';
import type { Hl7Message } from './message.js';
import { checkCodedField, checkDateTimeField, isAbsent, missing } from './field-checks.js';
import { checkObservation } from './observation-rules.js';
import { checkOruR01Structure } from './oru-r01-structure.js';
import { formatLocation } from './path.js';
import { resolveProfile, type ProfileChoice, type ValidationProfile } from './profiles.js';
import {
  ADMINISTRATIVE_SEX,
  LEGACY_VERSIONS,
  PROCESSING_ID,
  SUPPORTED_VERSIONS,
} from './tables.js';
import type { ValidationIssue } from './validation-issue.js';

/** How to validate. */
export interface ValidateOptions {
  /** `strict` (the default), `lenient`, or a profile of one's own (see `defineProfile`). */
  readonly profile?: ProfileChoice;
}

/** What validation found. */
export interface ValidationResult {
  /** True when no finding has severity `error`. */
  readonly valid: boolean;
  /** Every finding, in message order within each rule family. */
  readonly issues: readonly ValidationIssue[];
}

/** MSH fields HL7 v2.5.1 section 2.14.9 marks required, besides MSH-9 which has two parts. */
const REQUIRED_HEADER_FIELDS = [3, 4, 7, 10, 11, 12];

/**
 * Validates `message` and returns every finding with the severity `options.profile` gives it.
 *
 * Every message gets the header rules (required MSH fields, MSH-7 date, MSH-11 processing id,
 * MSH-12 version, accepted message type), the parser's repairs, and the data-type and table
 * rules of PID, OBR and OBX. ORU^R01 also gets its v2.5.1 structure (section 7.3.1) and the
 * required fields of PID, OBR and OBX; other types are structure-checked by their own readers.
 * Messages name locations (`OBX[3]-5`), never field contents.
 * Throws nothing: a message `parse` returned can always be validated.
 */
export function validate(message: Hl7Message, options: ValidateOptions = {}): ValidationResult {
  const profile = resolveProfile(options.profile);
  const findings = new Findings(profile);
  const isOruR01 =
    message.header.value(9, 1, 1) === 'ORU' && message.header.value(9, 1, 2) === 'R01';

  for (const repair of message.repairs) {
    findings.add(
      'PARSER_REPAIR',
      repair.location,
      `The parser repaired the message at ${repair.location}.`,
    );
  }
  checkHeader(message, profile, findings);
  if (isOruR01) checkOruR01Structure(message, findings);
  checkPatients(message, findings, isOruR01);
  checkOrders(message, findings, isOruR01);
  message.segments('OBX').forEach((obx, i) => checkObservation(obx, i + 1, findings, isOruR01));

  const issues = findings.issues;
  return { valid: !issues.some((issue) => issue.severity === 'error'), issues };
}

function checkHeader(message: Hl7Message, profile: ValidationProfile, findings: Findings): void {
  const msh = message.header;

  for (const field of REQUIRED_HEADER_FIELDS) {
    if (isAbsent(msh.value(field, 1, 1))) missing(findings, `MSH-${field}`, `MSH-${field}`);
  }
  const code = msh.value(9, 1, 1);
  const trigger = msh.value(9, 1, 2);
  if (isAbsent(code) && isAbsent(trigger)) missing(findings, 'MSH-9', 'MSH-9');
  else if (isAbsent(code)) missing(findings, 'MSH-9.1', 'MSH-9');
  else if (isAbsent(trigger)) missing(findings, 'MSH-9.2', 'MSH-9');
  if (isAbsent(msh.field(6))) {
    findings.add('RECOMMENDED_FIELD_MISSING', 'MSH-6', 'MSH-6 is empty: results are routed by it.');
  }

  checkDateTimeField(msh, 7, 'MSH-7', findings);
  const processing = msh.value(11, 1, 1);
  if (!isAbsent(processing) && !PROCESSING_ID.values.has(processing)) {
    findings.add(
      'TABLE_VALUE_NOT_FOUND',
      'MSH-11.1',
      'MSH-11.1 is not a processing id in table 0103.',
    );
  }

  const version = msh.value(12, 1, 1);
  if (!isAbsent(version) && !SUPPORTED_VERSIONS.has(version)) {
    findings.add('UNSUPPORTED_VERSION', 'MSH-12', 'MSH-12 names no HL7 version from 2.1 to 2.8.');
  } else if (LEGACY_VERSIONS.has(version)) {
    findings.add(
      'LEGACY_VERSION',
      'MSH-12',
      'MSH-12 names a version before 2.5; rules follow 2.5.1.',
    );
  }

  const accepted = profile.messageTypes;
  if (accepted !== undefined && !isAbsent(code) && !accepted.includes(message.messageType)) {
    findings.add(
      'UNSUPPORTED_MESSAGE_TYPE',
      'MSH-9',
      `MSH-9 names a type profile ${profile.name} does not accept.`,
    );
  }
}

function checkPatients(message: Hl7Message, findings: Findings, requireFields: boolean): void {
  message.segments('PID').forEach((pid, i) => {
    const at = (field: number): string => formatLocation('PID', i + 1, field);

    if (requireFields && isAbsent(pid.field(3))) missing(findings, at(3), 'PID-3');
    checkDateTimeField(pid, 7, () => at(7), findings);
    const sex = pid.value(8, 1, 1);
    if (!isAbsent(sex) && !ADMINISTRATIVE_SEX.values.has(sex)) {
      findings.add('TABLE_VALUE_NOT_FOUND', at(8), `${at(8)} is not a sex in table 0001.`);
    }
  });
}

function checkOrders(message: Hl7Message, findings: Findings, requireFields: boolean): void {
  message.segments('OBR').forEach((obr, i) => {
    const at = (field: number): string => formatLocation('OBR', i + 1, field);

    if (requireFields && isAbsent(obr.field(4))) missing(findings, at(4), 'OBR-4');
    checkCodedField(obr, 4, () => at(4), findings);
    checkDateTimeField(obr, 7, () => at(7), findings);
  });
}
