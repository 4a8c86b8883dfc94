/**
 * What validation reports: a coded finding at an HL7 location, never quoting field contents.
 */

/** How much a finding matters: errors reject the message, warnings and info do not. */
export type Severity = 'error' | 'warning' | 'info';

/**
 * HL7 table 0357 (message error condition codes) values that ACK ERR-3 carries:
 * 100 segment sequence, 101 required field missing, 102 data type, 103 table value not
 * found, 200 unsupported message type, 201 unsupported event, 203 unsupported version,
 * 207 application internal error.
 */
export type Hl7ErrorCondition = '100' | '101' | '102' | '103' | '200' | '201' | '203' | '207';

/** One finding of validation. */
export interface ValidationIssue {
  /** A stable code from the validator's closed list, such as `REQUIRED_FIELD_MISSING`. */
  readonly code: string;
  /** Whether the finding rejects the message. */
  readonly severity: Severity;
  /** Where, in HL7 notation: `OBX[3]-5`, `PID-3`, `MSH-9.2`, or a segment `OBR[2]`. */
  readonly location: string;
  /** A sentence for people built from the rule and location, never from field contents. */
  readonly message: string;
  /** The table 0357 condition an ACK reports for it in ERR-3. */
  readonly condition: Hl7ErrorCondition;
}
