/**
 * hl7-core: HL7 v2 without I/O. Parse, read, escape and serialize messages; split
 * batches; frame MLLP; validate; map to result JSON and FHIR R4; build ACKs; de-identify.
 */
export { charsetFromMsh18, decodeBytes, encodeText, type Charset } from './charset.js';
export { DEFAULT_DELIMITERS, encodingCharacters, type Delimiters } from './delimiters.js';
export { Hl7ParseError, isHl7ParseError, type Hl7ParseErrorCode } from './errors.js';
export { escape, hexEscape, unescape } from './escape.js';
export { Hl7Message, type Repair } from './message.js';
export { parse, readDelimiters, splitLines, type ParseOptions } from './parse.js';
export { formatLocation, parsePath, type Hl7Path } from './path.js';
export { HL7_NULL, Hl7Segment, headerPrefix, type SegmentContext } from './segment.js';
export { serialize } from './serialize.js';
export {
  Hl7Batch,
  parseBatch,
  type BatchGroup,
  type BatchMember,
  type BatchParseOptions,
  type BatchRepair,
  type Hl7BatchParts,
} from './batch.js';
export {
  buildBatch,
  serializeBatch,
  type BatchHeaderFields,
  type BuildBatchOptions,
} from './batch-serialize.js';
export {
  encodeMllp,
  MllpDecoder,
  MLLP_CARRIAGE_RETURN,
  MLLP_END_BLOCK,
  MLLP_START_BLOCK,
  type MllpDecoderOptions,
} from './mllp.js';
export type { Hl7ErrorCondition, Severity, ValidationIssue } from './validation-issue.js';
export {
  buildAck,
  buildRejectAck,
  parseErrorCondition,
  parseLocation,
  type AckCode,
  type AckOptions,
  type ErrorLocation,
  type RejectAckOptions,
} from './ack.js';
export { deidentify, type DeidentifyOptions } from './deidentify.js';
export { nhsCheckDigit } from './pseudonym.js';
export { validate, type ValidateOptions, type ValidationResult } from './validate.js';
export {
  VALIDATION_CODES,
  VALIDATION_CONDITIONS,
  isValidationCode,
  type ValidationCode,
} from './validation-codes.js';
export {
  LENIENT_PROFILE,
  STRICT_PROFILE,
  defineProfile,
  profileFor,
  resolveProfile,
  type ProfileChoice,
  type ProfileOverrides,
  type SenderProfiles,
  type ValidationProfile,
} from './profiles.js';
export { codeSystemUri } from './code-system.js';
export {
  ISO_PATTERNS,
  hl7DateTimeToIso,
  hl7DateToIso,
  hl7TimeToIso,
  isoToHl7DateTime,
  isoToHl7Time,
} from './datetime.js';
export { fromResult } from './from-result.js';
export { Hl7MappingError, isHl7MappingError, type Hl7MappingErrorCode } from './mapping-error.js';
export {
  readOruR01,
  type ObservationGroup,
  type OrderObservationGroup,
  type OruR01,
  type PatientGroup,
  type PatientResultGroup,
  type SegmentRef,
  type SpecimenGroup,
  type VisitGroup,
} from './oru-r01.js';
export { toResult, type ToResultOptions } from './result.js';
export * from './result-document.js';
export { toFhirBundle, type FhirBundleOptions } from './fhir.js';
export { DEFAULT_IDENTIFIER_SYSTEM_BASE } from './fhir-identity.js';
