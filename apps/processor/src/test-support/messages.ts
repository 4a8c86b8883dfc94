/**
 * Realistic, de-identified lab messages for the processor's tests: an ORU^R01 whose
 * patient, flags and statuses a test can set, and an ADT^A01.
 */

/** What a test may vary in an ORU^R01. */
export interface OruOptions {
  /** MSH-10. */
  controlId: string;
  /** MSH-4.1; `CITYLAB` by default. */
  facility?: string;
  /** PID-3.1; empty leaves PID-3 out. */
  patientId?: string;
  /** OBX-8 of the glucose observation: `H` (abnormal) or `N` (normal, the default). */
  abnormalFlag?: string;
  /** OBR-25; `F` by default. */
  resultStatus?: string;
  /** TQ1-9; `R` (routine) by default. */
  priority?: string;
  /** OBX-11 of the glucose observation; `F` by default, empty to leave it out. */
  observationStatus?: string;
}

/** A segment from its fields by number (HL7 1-based), the others left empty. */
function segment(name: string, fields: Record<number, string>): string {
  const last = Math.max(...Object.keys(fields).map(Number));
  const values = Array.from({ length: last }, (_, i) => fields[i + 1] ?? '');
  return [name, ...values].join('|');
}

/** An ORU^R01 lab report with one order and two observations, segments joined by CR. */
export function oruR01(options: OruOptions): string {
  const facility = options.facility ?? 'CITYLAB';
  const patientId = options.patientId ?? 'PT-4471';
  const pid3 = patientId === '' ? '' : `${patientId}^^^${facility}^MR`;
  const flag = options.abnormalFlag ?? 'N';
  const value = flag === 'H' ? '247.3' : '91';
  return [
    `MSH|^~\\&|LABSYS|${facility}^05D0000000^CLIA|EHR|GENERAL HOSP|20240305083500||ORU^R01^ORU_R01|${options.controlId}|P|2.5.1`,
    `PID|1||${pid3}||DOE^JANE^Q||19700101|F|||1 MAIN ST^^SPRINGFIELD^IL^62701`,
    'ORC|RE|ORD-100^EHR|F-200^LAB',
    segment('OBR', {
      1: '1',
      2: 'ORD-100^EHR',
      3: 'F-200^LAB',
      4: '24323-8^Comprehensive metabolic panel^LN',
      7: '20240305073000',
      16: '1234567890^SMITH^JOHN',
      22: '20240305083000',
      24: 'CH',
      25: options.resultStatus ?? 'F',
    }),
    `TQ1|1||||||||${options.priority ?? 'R'}`,
    `OBX|1|NM|2345-7^Glucose^LN||${value}|mg/dL^milligram per deciliter^UCUM|70-99|${flag}|||${options.observationStatus ?? 'F'}`,
    'OBX|2|NM|2951-2^Sodium^LN||140|mmol/L^millimole per liter^UCUM|135-145|N|||F',
  ].join('\r');
}

/** An ADT^A01 admission: valid HL7, but not a type the processor maps. */
export function adtA01(controlId: string, facility = 'CITYLAB'): string {
  return [
    `MSH|^~\\&|ADTSYS|${facility}|EHR|GENERAL HOSP|20240305083500||ADT^A01^ADT_A01|${controlId}|P|2.5.1`,
    'EVN|A01|20240305083500',
    `PID|1||PT-4471^^^${facility}^MR||DOE^JANE^Q||19700101|F`,
    'PV1|1|I|WARD^101^1',
  ].join('\r');
}
