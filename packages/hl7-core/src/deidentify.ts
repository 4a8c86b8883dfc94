/**
 * De-identification of HL7 v2 messages for test data: patient, next-of-kin, guarantor and
 * insured identity replaced by keyed, consistent pseudonyms, with the structure kept.
 */
import type { Charset } from './charset.js';
import type { Delimiters } from './delimiters.js';
import { escape, unescape } from './escape.js';
import { Hl7Message } from './message.js';
import { Pseudonymiser } from './pseudonym.js';

/** How to de-identify. */
export interface DeidentifyOptions {
  /**
   * The secret that keys every pseudonym (HMAC-SHA256). The same key gives the same
   * pseudonyms across messages and runs; keep it out of the data it protects.
   */
  readonly key: string | Uint8Array;
}

/**
 * How a field's data type is rewritten: CX, XPN, XAD, XTN, TS, DLN and XON as in v2.5.1
 * chapter 2A; `ID` a string identifier (an SSN, a policy number); `PLACE` a place name or
 * code; `TEXT` free text.
 */
type FieldKind = 'CX' | 'XPN' | 'XAD' | 'XTN' | 'TS' | 'DLN' | 'XON' | 'ID' | 'PLACE' | 'TEXT';

/** The fields that carry identity, by segment and v2.5.1 field number. */
const IDENTITY_FIELDS: Readonly<Record<string, ReadonlyArray<readonly [number, FieldKind]>>> = {
  PID: [
    [2, 'CX'], // patient id
    [3, 'CX'], // patient identifier list
    [4, 'CX'], // alternate patient id
    [5, 'XPN'], // patient name
    [6, 'XPN'], // mother's maiden name
    [7, 'TS'], // date/time of birth
    [9, 'XPN'], // patient alias
    [11, 'XAD'], // patient address
    [12, 'PLACE'], // county code
    [13, 'XTN'], // phone, home
    [14, 'XTN'], // phone, business
    [18, 'CX'], // patient account number
    [19, 'ID'], // SSN
    [20, 'DLN'], // driver's license number
    [21, 'CX'], // mother's identifier
    [23, 'PLACE'], // birth place
    [29, 'TS'], // patient death date and time
  ],
  NK1: [
    [2, 'XPN'], // name
    [4, 'XAD'], // address
    [5, 'XTN'], // phone number
    [6, 'XTN'], // business phone number
    [12, 'CX'], // employee number
    [13, 'XON'], // organization name
    [16, 'TS'], // date/time of birth
    [26, 'XPN'], // mother's maiden name
    [30, 'XPN'], // contact person's name
    [31, 'XTN'], // contact person's telephone number
    [32, 'XAD'], // contact person's address
    [33, 'CX'], // next of kin / associated party's identifiers
    [37, 'ID'], // contact person social security number
    [38, 'PLACE'], // next of kin birth place
  ],
  GT1: [
    [2, 'CX'], // guarantor number
    [3, 'XPN'], // guarantor name
    [4, 'XPN'], // guarantor spouse name
    [5, 'XAD'], // guarantor address
    [6, 'XTN'], // guarantor phone, home
    [7, 'XTN'], // guarantor phone, business
    [8, 'TS'], // guarantor date/time of birth
    [12, 'ID'], // guarantor SSN
    [16, 'XPN'], // guarantor employer name
    [17, 'XAD'], // guarantor employer address
    [18, 'XTN'], // guarantor employer phone
    [19, 'CX'], // guarantor employee id number
    [21, 'XON'], // guarantor organization name
  ],
  IN1: [
    [16, 'XPN'], // name of insured
    [18, 'TS'], // insured's date of birth
    [19, 'XAD'], // insured's address
    [36, 'ID'], // policy number
    [49, 'CX'], // insured's id number
  ],
  PV1: [[19, 'CX']], // visit number
  NTE: [[3, 'TEXT']], // comment
};

/** The OID of the NHS number in England and Wales, as CX-4.2 may carry it. */
const NHS_NUMBER_OID = '2.16.840.1.113883.2.1.4.1';

/**
 * Returns a de-identified copy of `message`; the input is not changed. Identity fields of
 * PID, NK1, GT1, IN1 and PV1 get keyed pseudonyms (HMAC-SHA256 under `options.key`), so
 * one value and one key always give the same stand-in, across fields and messages:
 * - identifiers (CX-1 and CX-2; SSN, licence and policy numbers) keep their shape, digit
 *   for digit and letter for letter; CX-4 assigning authority and CX-5 type are kept. An
 *   identifier assigned by `NHS` (or the NHS number OID) becomes a valid 10-digit number in
 *   the never-issued 999 range.
 * - names become names from built-in lists (Welsh and others), in the original's case;
 *   surname prefixes (FN-2, FN-4) are cleared; suffixes, degrees and name types are kept.
 * - dates of birth and death move by a keyed 1 to 365 days, keeping their precision.
 * - addresses get a pseudonym street, town, postcode (same shape), county and census tract;
 *   state, country and address type are kept. Phone numbers keep their shape, emails move
 *   to example.org.
 * - NTE-3 free text, which may name anyone, becomes filler of the same length class.
 * Segments, field counts, repetitions and component positions are unchanged; empty values
 * and HL7 nulls (`""`) stay as they are. Observation values (OBX-5), order numbers and provider names are left as is.
 * Follows the field definitions of HL7 v2.5.1 chapters 3 and 6 and data types of 2A.
 * @throws RangeError when the key is empty.
 */
export function deidentify(message: Hl7Message, options: DeidentifyOptions): Hl7Message {
  const pseudonyms = new Pseudonymiser(options.key);
  const d = message.delimiters;

  const texts = message.segments().map((segment) => {
    const rules = IDENTITY_FIELDS[segment.name];
    const text = segment.toString();
    if (rules === undefined) return text;
    const fields = text.split(d.field);
    for (const [n, kind] of rules) {
      const raw = fields[n];
      if (raw === undefined || raw === '') continue;
      fields[n] = rewriteField(raw, kind, pseudonyms, d, message.charset);
    }
    return fields.join(d.field);
  });

  return new Hl7Message(texts, d, message.charset, message.repairs);
}

function rewriteField(
  raw: string,
  kind: FieldKind,
  p: Pseudonymiser,
  d: Delimiters,
  charset: Charset,
): string {
  const repetitions = d.repetition === '' ? [raw] : raw.split(d.repetition);
  return repetitions
    .map((repetition) => {
      if (isEmpty(repetition)) return repetition;
      if (kind === 'TEXT') return escape(p.freeText(unescape(repetition, d, charset)), d);
      const parts = new Components(repetition, d, charset);
      REWRITERS[kind](parts, p);
      return parts.toString();
    })
    .join(d.repetition);
}

type Rewriter = (components: Components, pseudonyms: Pseudonymiser) => void;

const rewriteIdentifier: Rewriter = (c, p) => {
  const authority = c.value(4, 1).trim().toUpperCase();
  const isNhsNumber = authority === 'NHS' || c.value(4, 2).trim() === NHS_NUMBER_OID;
  c.replace(1, 1, (v) => (isNhsNumber ? p.nhsNumber(v) : p.reshape('identifier', v)));
  c.replace(2, 1, (v) => p.reshape('identifier', v));
};

/** A place name becomes a town; a place code (FIPS, census tract) keeps its shape. */
const place = (p: Pseudonymiser, value: string): string =>
  /\d/.test(value) ? p.reshape('place', value) : p.town(value);

const REWRITERS: Readonly<Record<Exclude<FieldKind, 'TEXT'>, Rewriter>> = {
  CX: rewriteIdentifier,
  // Senders often write these string identifiers as a CX, with an authority to keep.
  ID: rewriteIdentifier,
  XPN: (c, p) => {
    // FN: surnames in subcomponents 1, 3 and 5; the prefixes between them would hint at them.
    c.replace(1, 1, (v) => p.familyName(v));
    c.replace(1, 2, () => '');
    c.replace(1, 3, (v) => p.familyName(v));
    c.replace(1, 4, () => '');
    c.replace(1, 5, (v) => p.familyName(v));
    c.replace(2, 1, (v) => p.givenName(v));
    c.replace(3, 1, (v) => p.middleName(v));
  },
  XAD: (c, p) => {
    c.replace(1, 1, (v) => p.streetLine(v));
    c.replace(1, 2, (v) => p.streetName(v));
    c.replace(1, 3, (v) => p.reshape('dwelling-number', v));
    c.replace(2, 1, (v) => p.dwelling(v));
    c.replace(3, 1, (v) => p.town(v));
    c.replace(5, 1, (v) => p.reshape('postcode', v));
    for (const component of [8, 9, 10]) c.replaceAll(component, (v) => place(p, v));
  },
  XTN: (c, p) => {
    c.replace(1, 1, (v) => (v.includes('@') ? p.email(v) : p.reshape('phone', v)));
    c.replace(4, 1, (v) => p.email(v));
    for (const component of [6, 7, 8, 12]) c.replace(component, 1, (v) => p.reshape('phone', v));
    c.replace(9, 1, (v) => p.freeText(v));
  },
  TS: (c, p) => c.replace(1, 1, (v) => p.shiftDate(v)),
  DLN: (c, p) => c.replace(1, 1, (v) => p.reshape('identifier', v)),
  XON: (c, p) => {
    c.replace(1, 1, (v) => p.organisation(v));
    c.replace(3, 1, (v) => p.reshape('identifier', v));
    c.replace(10, 1, (v) => p.reshape('identifier', v));
  },
  PLACE: (c, p) => c.replaceEvery((v) => place(p, v)),
};

/** Empty, or the HL7 null `""` that tells the receiver to delete a value: both stay. */
function isEmpty(raw: string): boolean {
  return raw === '' || raw === '""';
}

/**
 * One repetition split into components and subcomponents, raw. Only non-empty values are
 * replaced, and each replacement is escaped, so positions and delimiters stay as they were.
 */
class Components {
  private readonly parts: string[][];

  constructor(
    raw: string,
    private readonly d: Delimiters,
    private readonly charset: Charset,
  ) {
    this.parts = raw
      .split(d.component)
      .map((component) => (d.subcomponent === '' ? [component] : component.split(d.subcomponent)));
  }

  value(component: number, subcomponent: number): string {
    const raw = this.parts[component - 1]?.[subcomponent - 1] ?? '';
    return unescape(raw, this.d, this.charset);
  }

  replace(component: number, subcomponent: number, rewrite: (value: string) => string): void {
    const subcomponents = this.parts[component - 1];
    const raw = subcomponents?.[subcomponent - 1];
    if (subcomponents === undefined || raw === undefined || isEmpty(raw)) return;
    subcomponents[subcomponent - 1] = escape(rewrite(this.value(component, subcomponent)), this.d);
  }

  replaceAll(component: number, rewrite: (value: string) => string): void {
    const count = this.parts[component - 1]?.length ?? 0;
    for (let s = 1; s <= count; s++) this.replace(component, s, rewrite);
  }

  replaceEvery(rewrite: (value: string) => string): void {
    for (let c = 1; c <= this.parts.length; c++) this.replaceAll(c, rewrite);
  }

  toString(): string {
    return this.parts
      .map((component) => component.join(this.d.subcomponent))
      .join(this.d.component);
  }
}
