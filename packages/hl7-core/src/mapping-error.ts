/**
 * The error hl7-core throws when a parsed message cannot become a result document, or a
 * result document cannot become a message.
 */

/**
 * The closed list of reasons mapping refuses its input. A code never changes meaning.
 * Dead-letter categories: `UNSUPPORTED_MESSAGE_TYPE` and `MULTIPLE_PATIENTS` are
 * `unsupported`; `PATIENT_MISSING`, `ORDER_MISSING` and `INVALID_DOCUMENT` are `validation`.
 */
export type Hl7MappingErrorCode =
  /** MSH-9 is not ORU^R01. */
  | 'UNSUPPORTED_MESSAGE_TYPE'
  /** The message holds more than one PATIENT_RESULT group (a second PID). */
  | 'MULTIPLE_PATIENTS'
  /** The message has no PID before its orders. */
  | 'PATIENT_MISSING'
  /** The message has no OBR, so no order or observation to report. */
  | 'ORDER_MISSING'
  /** A result document holds a value that cannot be written as HL7 (a date that is not ISO). */
  | 'INVALID_DOCUMENT';

/**
 * Thrown by `toResult` and `fromResult`. The message names a code and a location (an HL7
 * location such as `MSH-9`, or a document path such as `orders[0].observationTime`),
 * never field contents, so it is safe to log.
 */
export class Hl7MappingError extends Error {
  /** Which rule the input broke. */
  readonly code: Hl7MappingErrorCode;
  /** Where, when it is known. */
  readonly location: string | undefined;

  constructor(code: Hl7MappingErrorCode, message: string, location?: string) {
    super(message);
    this.name = 'Hl7MappingError';
    this.code = code;
    this.location = location;
  }
}

/** True when `error` is an `Hl7MappingError`, checked by name and code so it holds across bundles. */
export function isHl7MappingError(error: unknown): error is Hl7MappingError {
  return (
    error instanceof Hl7MappingError ||
    (error instanceof Error && error.name === 'Hl7MappingError' && 'code' in error)
  );
}
