/**
 * De-identified ORU^R01 messages for the cross-app tests. Every value is synthetic; the
 * control id carries the patient and a sequence number so a test can check order.
 */

/** What varies between test messages. */
export interface OruOptions {
  /** MSH-10. */
  controlId: string;
  /** PID-3.1; `''` leaves PID-3 empty. */
  patientId?: string;
  /** MSH-4.1, the sending facility. */
  facility?: string;
  /** Flags the observation `H` (abnormal) instead of `N`. */
  abnormal?: boolean;
}

/** An ORU^R01 (v2.5.1) with one order and one observation; segments end with `\r`. */
export function oru(options: OruOptions): string {
  const facility = options.facility ?? 'NORTHLAB';
  const patientId = options.patientId ?? 'TST0000001';
  const pid3 = patientId === '' ? '' : `${patientId}^^^TESTMRN^MR`;
  const flag = options.abnormal ? 'H' : 'N';
  const value = options.abnormal ? '7.9' : '4.1';
  return [
    `MSH|^~\\&|TESTLIS|${facility}|HL7GW|GATEWAY|20240601083000+0000||ORU^R01^ORU_R01|${options.controlId}|P|2.5.1`,
    `PID|1||${pid3}||TESTPATIENT^ALPHA||19700101|U`,
    'OBR|1|ORD-1|FIL-1|2345-7^Glucose^LN|||20240601080000+0000|||||||||||||||20240601082500+0000|||F',
    `OBX|1|NM|2345-7^Glucose^LN||${value}|mmol/L^mmol/L^UCUM|3.9-5.5|${flag}|||F|||20240601081500+0000`,
    '',
  ].join('\r');
}

/** An FHS/BHS batch file holding `messages`, with its trailer counts. */
export function fhsBatch(messages: readonly string[]): string {
  return [
    'FHS|^~\\&|TESTLIS|NORTHLAB|HL7GW|GATEWAY|20240601083000+0000',
    'BHS|^~\\&|TESTLIS|NORTHLAB|HL7GW|GATEWAY|20240601083000+0000',
    ...messages.map((message) => message.replace(/\r$/, '')),
    `BTS|${messages.length}`,
    'FTS|1',
    '',
  ].join('\r');
}
