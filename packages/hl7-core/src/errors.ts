/**
 * The single error type hl7-core throws for input it cannot read as HL7 v2.
 * Everything else the parser meets is either read or reported as a repair.
 */

/** The closed list of reasons the parser refuses input. A code never changes meaning. */
export type Hl7ParseErrorCode =
  /** No bytes, or only white space and line breaks. */
  | 'EMPTY_INPUT'
  /** The input does not start with an MSH, BHS or FHS segment. */
  | 'NOT_HL7'
  /** A batch member, or the content after a batch header, holds no MSH segment. */
  | 'MSH_MISSING'
  /** MSH-1 or MSH-2 is absent, repeated or unusable as delimiters. */
  | 'BAD_ENCODING_CHARACTERS'
  /** MSH-18 names a character set this library cannot decode. */
  | 'UNSUPPORTED_CHARSET'
  /** A segment line has no valid segment name and cannot be joined to the previous one. */
  | 'BAD_SEGMENT'
  /** The message is larger than a configured limit. */
  | 'TOO_LARGE'
  /** A batch trailer (BTS-1 or FTS-1) counts a different number of members than it holds. */
  | 'BATCH_COUNT_MISMATCH'
  /** A batch's headers and trailers are out of order or unbalanced. */
  | 'BATCH_STRUCTURE'
  /** An MLLP frame exceeded the decoder's maximum frame size. */
  | 'MLLP_FRAME_TOO_LARGE';

/**
 * Thrown by `parse`, `parseBatch` and the MLLP decoder, and by nothing else in them.
 * The message names a code and a location, never field contents, so it is safe to log.
 */
export class Hl7ParseError extends Error {
  /** Which rule the input broke. */
  readonly code: Hl7ParseErrorCode;
  /** Where, in HL7 notation (`MSH-2`, `segment 4`), when it is known. */
  readonly location: string | undefined;

  constructor(code: Hl7ParseErrorCode, message: string, location?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'Hl7ParseError';
    this.code = code;
    this.location = location;
  }
}

/** True when `error` is an `Hl7ParseError`, checked by name and code so it holds across bundles. */
export function isHl7ParseError(error: unknown): error is Hl7ParseError {
  return (
    error instanceof Hl7ParseError ||
    (error instanceof Error && error.name === 'Hl7ParseError' && 'code' in error)
  );
}
