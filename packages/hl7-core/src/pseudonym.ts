/**
 * Keyed, consistent pseudonyms for de-identification: the same value and key always give
 * the same stand-in, shaped like what it replaces (a name, a date, a phone number).
 */
import { createHmac } from 'node:crypto';

// Lists written as text to keep them compact; the split runs once, at load.
const GIVEN_NAMES = words(
  'Rhys Angharad Llywelyn Cerys Dafydd Eira Gethin Nia Owain Seren Taliesin Ffion Iwan Mared ' +
    'Bryn Catrin Elis Heledd Ioan Lowri Macsen Non Osian Tegan Amelia Oliver Priya Yusuf Mei ' +
    'Tomasz Aisha Mateo Zofia Kwame Ingrid Ravi',
);

const FAMILY_NAMES = words(
  'Jones Davies Evans Thomas Roberts Hughes Lewis Morgan Griffiths Price Pritchard Bowen ' +
    'Powell Parry Vaughan Llwyd Prosser Gwynne Rowlands Jenkins Okafor Nowak Patel Kowalski ' +
    'Garcia Nguyen Haddad Lindqvist Mensah Tanaka',
);

const STREETS = phrases(
  'Stryd Fawr, Ffordd y Castell, Lon Glan Mor, Heol Eglwys, Maes y Llan, Heol y Felin, ' +
    'Rhodfa Newydd, Cilgant y Dderwen, High Street, Station Road, Church Lane, Mill Road, ' +
    'Park Avenue, Victoria Terrace, Chapel Street, Market Square, Orchard Close, Quarry Row',
);

const TOWNS = phrases(
  'Aberystwyth, Bangor, Caernarfon, Llandudno, Wrecsam, Machynlleth, Dolgellau, Tregaron, ' +
    'Llanelli, Aberteifi, Y Bala, Pwllheli, Y Fenni, Aberhonddu, Harlech, Conwy, Llangollen, ' +
    'Dinbych-y-pysgod, Rhaeadr Gwy, Llanbedr Pont Steffan',
);

const ORGANISATIONS = phrases(
  'Cwmni Enghraifft Cyf, Gweithdy Sampl, Example Holdings Ltd, Placeholder Works, ' +
    'Fferm y Dyffryn, Specimen Trading Co',
);

const FILLER = 'Text removed in de-identification. ';
const NHS_TEST_PREFIX = '999';
const MAX_ATTEMPTS = 16;
const DAY_MS = 86_400_000;
// A DTM: the date to any precision, then a time only after a full date, then an offset.
const DTM_DATE =
  /^(\d{4})(?:(\d{2})(?:(\d{2})((?:\d{2}(?:\d{2}(?:\d{2}(?:\.\d{1,4})?)?)?)?(?:[+-]\d{4})?))?)?([+-]\d{4})?$/;

/**
 * Pseudonyms under one key: HMAC-SHA256 (RFC 2104, via `node:crypto`) of the kind of value
 * and the value itself, upper-cased and with white space collapsed, so `Jones` and `JONES`
 * map alike. Names, identifiers and full dates always differ from what they replace.
 * Pure and synchronous.
 */
export class Pseudonymiser {
  private readonly key: Uint8Array | string;

  /**
   * Keeps `key` for every pseudonym this instance makes.
   * @throws RangeError when the key is empty, which would make pseudonyms guessable.
   */
  constructor(key: string | Uint8Array) {
    if (key.length === 0) throw new RangeError('A de-identification key must not be empty');
    this.key = key;
  }

  /** A given name from a built-in list, in the case style of `value`. */
  givenName(value: string): string {
    return matchCase(this.pick('given', value, GIVEN_NAMES), value);
  }

  /** A family name from a built-in list, in the case style of `value`. */
  familyName(value: string): string {
    return matchCase(this.pick('family', value, FAMILY_NAMES), value);
  }

  /** Middle names: an initial stays an initial, anything longer becomes a given name. */
  middleName(value: string): string {
    const bare = value.replace(/[.\s]/g, '');
    if (bare.length > 1) return this.givenName(value);
    const letter = matchCase(this.pick('initial', bare, [...'ABCDEFGHIJKLMNOPRSTW']), bare);
    return value.replace(/[^.\s]/, letter);
  }

  /** A street line: a house number (when `value` has digits) and a street name. */
  streetLine(value: string): string {
    const street = this.streetName(value);
    if (!/\d/.test(value)) return street;
    return `${1 + (this.number('house', value) % 198)} ${street}`;
  }

  /** A street name without a number. */
  streetName(value: string): string {
    return matchCase(this.pick('street', value, STREETS), value);
  }

  /** A town name. */
  town(value: string): string {
    return matchCase(this.pick('town', value, TOWNS), value);
  }

  /** An organisation name. */
  organisation(value: string): string {
    return matchCase(this.pick('organisation', value, ORGANISATIONS), value);
  }

  /** A flat or unit designation, for the second line of an address. */
  dwelling(value: string): string {
    return matchCase(`Flat ${1 + (this.number('dwelling', value) % 40)}`, value);
  }

  /** An address at a reserved example domain (RFC 2606), built from pseudonym names. */
  email(value: string): string {
    const given = this.pick('email-given', value, GIVEN_NAMES).toLowerCase();
    const family = this.pick('email-family', value, FAMILY_NAMES).toLowerCase();
    return `${given}.${family}${this.number('email', value) % 100}@example.org`;
  }

  /**
   * The same shape with other characters: each digit becomes a digit and each letter a
   * letter of the same case; punctuation and spaces stay. For identifiers, phone numbers
   * and postcodes, so validators that check a format still pass. `kind` keeps unrelated
   * kinds of value apart.
   */
  reshape(kind: string, value: string): string {
    if (!/[\p{L}\p{N}]/u.test(value)) return value;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const bytes = this.bytes(kind, value, value.length, attempt);
      let out = '';
      let i = 0;
      for (const ch of value) {
        out += reshapeChar(ch, bytes[i++] ?? 0);
      }
      if (out !== value) return out;
    }
    return value.replace(/[\p{L}\p{N}]/gu, 'X');
  }

  /**
   * A 10-digit NHS-style number with a valid modulus 11 check digit. It starts with 999,
   * a range never issued to patients, so a stand-in is never someone's real number. When
   * `value` holds ten digits their layout (spaces, dashes) is kept.
   */
  nhsNumber(value: string): string {
    // Keyed on the digits alone, so `943 476 5919` and `9434765919` match.
    const given = value.replace(/\D/g, '');
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const bytes = this.bytes('nhs-number', given, 6, attempt);
      const body = NHS_TEST_PREFIX + [...bytes].map((b) => String(b % 10)).join('');
      const check = nhsCheckDigit(body);
      if (check === undefined) continue;
      const digits = body + check;
      if (digits === given) continue;
      return layDigits(digits, value);
    }
    return layDigits('9990000018', value);
  }

  /**
   * Shifts an HL7 DTM by a keyed offset of 1 to 365 days either way, keeping its precision
   * (`YYYY`, `YYYYMM`, `YYYYMMDD`) and any time and offset after the date. The offset is
   * keyed on the date alone, so a birth date with or without a time moves alike. A value
   * that is not a DTM (`1987-04-12`, `DOB`) is reshaped instead, digit for digit.
   */
  shiftDate(value: string): string {
    const match = DTM_DATE.exec(value);
    const [, year = '', month, day, time = '', offset = ''] = match ?? [];
    const rest = time + offset;
    const date = match
      ? utcDate(Number(year), Number(month ?? '1'), Number(day ?? '1'))
      : undefined;
    if (date === undefined) return this.reshape('date', value);

    const datePart = value.slice(0, value.length - rest.length);
    const n = this.number('date', datePart);
    const days = (1 + (n % 365)) * ((n >>> 16) % 2 === 0 ? 1 : -1);
    const shifted = new Date(date.getTime() + days * DAY_MS);
    const text =
      String(shifted.getUTCFullYear()).padStart(4, '0') +
      String(shifted.getUTCMonth() + 1).padStart(2, '0') +
      String(shifted.getUTCDate()).padStart(2, '0');
    return text.slice(0, datePart.length) + rest;
  }

  /**
   * Stand-in free text of about the same length class: the next power of two at or above
   * the original length (at least 16 characters), so short notes stay short and long ones
   * long, without keeping any of their words.
   */
  freeText(value: string): string {
    let length = 16;
    while (length < value.length) length *= 2;
    return FILLER.repeat(Math.ceil(length / FILLER.length))
      .slice(0, length)
      .trimEnd();
  }

  private pick(kind: string, value: string, list: readonly string[]): string {
    const normal = normalise(value);
    const index = this.number(kind, value) % list.length;
    const chosen = list[index] as string;
    if (chosen.toUpperCase() !== normal) return chosen;
    return list[(index + 1) % list.length] as string;
  }

  private number(kind: string, value: string): number {
    const bytes = this.bytes(kind, value, 4, 0);
    return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
  }

  /** `length` keyed bytes for a value, in HMAC blocks counted from 0. */
  private bytes(kind: string, value: string, length: number, attempt: number): Uint8Array {
    const out = new Uint8Array(length);
    const normal = normalise(value);
    for (let block = 0, filled = 0; filled < length; block++) {
      const digest = createHmac('sha256', this.key)
        .update(`${kind}\u0000${normal}\u0000${attempt}\u0000${block}`)
        .digest();
      out.set(digest.subarray(0, Math.min(digest.length, length - filled)), filled);
      filled += digest.length;
    }
    return out;
  }
}

/**
 * The NHS number check digit (modulus 11, weights 10 down to 2) for nine digits, or
 * undefined when the remainder gives 10, which no valid number has.
 */
export function nhsCheckDigit(nineDigits: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nineDigits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return undefined;
  return String(check === 11 ? 0 : check);
}

function words(text: string): readonly string[] {
  return Object.freeze(text.split(' '));
}

function phrases(text: string): readonly string[] {
  return Object.freeze(text.split(', '));
}

function normalise(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toUpperCase();
}

function matchCase(pseudonym: string, original: string): string {
  const hasLetters = original.toUpperCase() !== original.toLowerCase();
  if (hasLetters && original === original.toUpperCase()) return pseudonym.toUpperCase();
  if (hasLetters && original === original.toLowerCase()) return pseudonym.toLowerCase();
  return pseudonym;
}

function reshapeChar(ch: string, byte: number): string {
  if (ch >= '0' && ch <= '9') return String(byte % 10);
  if (!/\p{L}/u.test(ch)) return ch;
  const letter = String.fromCharCode(0x41 + (byte % 26));
  return ch === ch.toLowerCase() && ch !== ch.toUpperCase() ? letter.toLowerCase() : letter;
}

function layDigits(digits: string, layout: string): string {
  if (layout.replace(/\D/g, '').length !== digits.length) return digits;
  let i = 0;
  return layout.replace(/\d/g, () => digits[i++] as string);
}

function utcDate(year: number, month: number, day: number): Date | undefined {
  if (month < 1 || month > 12 || day < 1) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCDate() === day ? date : undefined;
}
