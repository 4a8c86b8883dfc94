/**
 * De-identified HL7 fixtures for the ingest tests: an ORU^R01 whose control id, patient
 * and size can be chosen, and batches of them.
 */

/** What varies between test messages. */
export interface OruOptions {
  /** MSH-10. */
  controlId?: string;
  /** MSH-4.1. */
  facility?: string;
  /** PID-3.1. */
  patientId?: string;
  /** Adds an NTE of about this many characters, to make a large message. */
  padCharacters?: number;
}

/** An ORU^R01 (v2.5.1) that validates under the strict profile; segments end with `\r`. */
export function oruR01(options: OruOptions = {}): string {
  const controlId = options.controlId ?? 'CTRL0001';
  const facility = options.facility ?? 'RIVERSIDE';
  const patientId = options.patientId ?? '9990001234';
  const segments = [
    `MSH|^~\\&|LABSYS|${facility}|HL7GW|TRUST|20240315101500+0000||ORU^R01^ORU_R01|${controlId}|P|2.5.1`,
    `PID|1||${patientId}^^^NHS^NH||DOE^JANE^^^^^L||19800101|F`,
    'OBR|1|ORD123|FIL456|24331-1^Lipid panel^LN|||20240315090000+0000|||||||||||||||20240315100000+0000|||F',
    'OBX|1|NM|2093-3^Cholesterol^LN||5.2|mmol/L^mmol/L^UCUM|<5.0|H|||F|||20240315093000+0000',
  ];
  if (options.padCharacters !== undefined) {
    segments.push(`NTE|1||${'Lorem ipsum dolor sit amet '.repeat(options.padCharacters / 27 + 1)}`);
  }
  return segments.join('\r') + '\r';
}

/** An FHS/BHS batch file holding `messages`, with trailer counts. */
export function batchFile(messages: readonly string[]): string {
  return [
    'FHS|^~\\&|LABSYS|RIVERSIDE|HL7GW|TRUST|20240315101500+0000',
    'BHS|^~\\&|LABSYS|RIVERSIDE|HL7GW|TRUST|20240315101500+0000',
    ...messages.map((message) => message.replace(/\r$/, '')),
    `BTS|${messages.length}`,
    'FTS|1',
    '',
  ].join('\r');
}
