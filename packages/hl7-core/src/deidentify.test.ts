import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { deidentify } from './deidentify.js';
import type { Hl7Message } from './message.js';
import { parse } from './parse.js';
import { nhsCheckDigit, Pseudonymiser } from './pseudonym.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));
const KEY = 'test-key-0b9f2c';

const PLANTED = [
  'MSH|^~\\&|LabSys|Ysbyty Gwynedd|EHR|Betsi|20240311093000||ORU^R01^ORU_R01|MSG-77|P|2.5.1',
  'PID|1||9434765919^^^NHS^NH~MRN-88231^^^YG^MR|943 476 5919^^^NHS^NH|ap Rhys^Gwenllian^M^^Mrs^^L|' +
    'Pugh^Mair|19870412|F|||12 Heol y Bont^Fflat 2^Caerdydd^^CF10 1AA^GBR^H||' +
    '029 2087 4000^PRN^PH~^NET^Internet^gwenllian.aprhys@example.net|||||ACC-55120|||||Caerdydd',
  'NK1|1|ap Rhys^Gwenllian^^^^^L|SEL^Self^HL70063|12 Heol y Bont^Fflat 2^Caerdydd^^CF10 1AA^GBR^H|' +
    '029 2087 4000',
  'OBR|1|ORD-5521|ACC-9912|2345-7^Glucose^LN|||202403110800',
  'OBX|1|NM|2345-7^Glucose^LN||5.4|mmol/L|3.9-7.8|N|||F',
  'NTE|1|L|Gwenllian ap Rhys phoned on 029 2087 4000 about this result',
].join('\r');

function shape(message: Hl7Message): string[] {
  const d = message.delimiters;
  return message.segments().map((segment) => {
    const fields: string[] = [];
    for (let n = 1; n <= segment.fieldCount; n++) {
      const text = segment.field(n);
      if (segment.name === 'MSH' && n <= 2) continue;
      fields.push(
        text
          .split(d.repetition)
          .map((rep) => (rep === '' ? '' : rep.split(d.component).length))
          .join('~'),
      );
    }
    return `${segment.name}:${fields.join('|')}`;
  });
}

/** A segment's text from its non-empty fields by number. */
function fields(name: string, values: Record<number, string>): string {
  const last = Math.max(...Object.keys(values).map(Number));
  const list = Array.from({ length: last }, (_, i) => values[i + 1] ?? '');
  return [name, ...list].join('|');
}

describe('deidentify', () => {
  const original = parse(PLANTED);
  const result = deidentify(original, { key: KEY });
  const text = result.toString();

  it.each([
    'Gwenllian',
    'ap Rhys',
    'Gwenllian ap Rhys',
    'Pugh',
    'Mair',
    '9434765919',
    '943 476 5919',
    '19870412',
    '12 Heol y Bont',
    'Heol y Bont',
    'Caerdydd',
    'CF10 1AA',
    '029 2087 4000',
    '2087 4000',
    'aprhys',
    'MRN-88231',
    '88231',
    'ACC-55120',
  ])('leaves no trace of %j', (planted) => {
    expect(text.toLowerCase()).not.toContain(planted.toLowerCase());
  });

  it('keeps segments, field counts, repetitions and component positions', () => {
    expect(shape(result)).toEqual(shape(original));
    expect(result.header.toString()).toBe(original.header.toString());
    expect(result.segment('OBX')?.toString()).toBe(original.segment('OBX')?.toString());
  });

  it('keeps assigning authorities, identifier types and name types', () => {
    expect(result.get('PID-3[1].4')).toBe('NHS');
    expect(result.get('PID-3[1].5')).toBe('NH');
    expect(result.get('PID-3[2].4')).toBe('YG');
    expect(result.get('PID-3[2].5')).toBe('MR');
    expect(result.get('PID-5.5')).toBe('Mrs');
    expect(result.get('PID-5.7')).toBe('L');
    expect(result.get('PID-11.6')).toBe('GBR');
    expect(result.get('PID-11.7')).toBe('H');
    expect(result.get('PID-13[2].3')).toBe('Internet');
  });

  it('replaces an NHS number with a valid one in the never-issued 999 range', () => {
    const nhs = result.get('PID-3.1');
    const spaced = result.get('PID-4.1');

    expect(nhs).toMatch(/^999\d{7}$/);
    expect(nhsCheckDigit(nhs.slice(0, 9))).toBe(nhs.slice(9));
    expect(spaced).toMatch(/^\d{3} \d{3} \d{4}$/);
    expect(spaced.replace(/ /g, '')).toBe(nhs);
  });

  it('keeps the shape of other identifiers', () => {
    expect(result.get('PID-3[2].1')).toMatch(/^[A-Z]{3}-\d{5}$/);
    expect(result.get('PID-18')).toMatch(/^[A-Z]{3}-\d{5}$/);
    expect(result.get('PID-13.1')).toMatch(/^\d{3} \d{4} \d{4}$/);
    expect(result.get('PID-11.5')).toMatch(/^[A-Z]{2}\d{2} \d[A-Z]{2}$/);
    expect(result.get('PID-13[2].4')).toMatch(/^[a-z]+\.[a-z]+\d{1,2}@example\.org$/);
  });

  it('shifts the birth date within a year, keeping its precision', () => {
    const shifted = result.get('PID-7');
    const iso = `${shifted.slice(0, 4)}-${shifted.slice(4, 6)}-${shifted.slice(6, 8)}`;
    const days = Math.abs(Date.parse(iso) - Date.parse('1987-04-12')) / 86_400_000;

    expect(shifted).toMatch(/^\d{8}$/);
    expect(days).toBeGreaterThanOrEqual(1);
    expect(days).toBeLessThanOrEqual(365);
  });

  it('gives one value one pseudonym across fields', () => {
    expect(result.get('NK1-2.1')).toBe(result.get('PID-5.1'));
    expect(result.get('NK1-2.2')).toBe(result.get('PID-5.2'));
    expect(result.segment('NK1')?.field(4)).toBe(result.segment('PID')?.field(11));
    expect(result.get('NK1-5')).toBe(result.get('PID-13.1'));
    expect(result.get('PID-23')).toBe(result.get('PID-11.3'));
  });

  it('replaces free text in NTE-3 with filler of the same length class', () => {
    const note = result.get('NTE-3');

    expect(note.length).toBeGreaterThan(32);
    expect(note.length).toBeLessThanOrEqual(64);
    expect(note).toMatch(/^(Text removed in de-identification\. ?)+[\w\s.-]*$/);
  });

  it('gives the same output for the same key, and another for another key', () => {
    const again = deidentify(parse(PLANTED), { key: KEY }).toString();
    const asBytes = deidentify(parse(PLANTED), { key: new TextEncoder().encode(KEY) }).toString();
    const other = deidentify(parse(PLANTED), { key: 'another-key-77' }).toString();

    expect(again).toBe(text);
    expect(asBytes).toBe(text);
    expect(other).not.toBe(text);
    expect(parse(other).get('PID-3.1')).not.toBe(result.get('PID-3.1'));
  });

  it('does not change its input', () => {
    expect(original.toString()).toBe(PLANTED + '\r');
  });

  it('keeps custom delimiters and escapes what it writes', () => {
    const custom = parse(
      'MSH#$*@%#LAB#SITE#EHR#HOSP#20240311##ORU$R01#C1#P#2.5.1\r' +
        'PID#1##A@S@7731$$$SITE$MR##JONES$MARY@F@ANN##198704#F###1 HIGH ST$$BANGOR$$LL57 2PW',
    );

    const out = parse(deidentify(custom, { key: KEY }).toString());

    expect(out.delimiters).toEqual(custom.delimiters);
    expect(shape(out)).toEqual(shape(custom));
    expect(out.get('PID-3.1')).toMatch(/^[A-Z]\$\d{4}$/);
    expect(out.get('PID-5.1')).toMatch(/^[A-Z]+$/);
    expect(out.get('PID-5.1')).not.toBe('JONES');
    expect(out.get('PID-5.2')).toMatch(/^[A-Z]+$/);
    expect(out.get('PID-7')).toMatch(/^\d{6}$/);
    expect(out.get('PID-7')).not.toBe('198704');
    expect(out.get('PID-11.3')).not.toBe('BANGOR');
  });

  it('handles US-style identity in PID and NK1, keeping authorities of CX-shaped SSNs', () => {
    const pid = fields('PID', {
      1: '1',
      3: '60170810^^^^MR',
      5: 'COHEN^BB LOIS^^^^^L',
      6: '""',
      7: '20231109233800',
      11: '4321 23RD AVE APT 301^^PRINCETON^MN^55371^^H^^Mille Lacs^9502',
      19: '123-45-6789',
      20: 'C123456789012^MN^20280101',
    });
    const nk1 = fields('NK1', {
      1: '1',
      2: 'COHEN^LOIS',
      16: '19950302',
      37: '078-05-1120^^^ssn&2.16.840.1.113883.4.1&ISO^SS',
    });
    const message = parse(`${PLANTED.split('\r')[0]}\r${pid}\r${nk1}`);

    const out = deidentify(message, { key: KEY });

    expect(out.segment('PID')?.field(6)).toBe('""');
    expect(out.get('PID-19')).toMatch(/^\d{3}-\d{2}-\d{4}$/);
    expect(out.get('PID-19')).not.toBe('123-45-6789');
    expect(out.get('PID-20.1')).toMatch(/^[A-Z]\d{12}$/);
    expect(out.get('PID-20.2')).toBe('MN');
    expect(out.get('PID-11.4')).toBe('MN');
    expect(out.get('PID-11.9')).toMatch(/^[A-Z][a-z]+([ -][A-Za-z]+)*$/);
    expect(out.get('PID-11.9')).not.toBe('Mille Lacs');
    expect(out.get('PID-11.10')).toMatch(/^\d{4}$/);
    expect(out.get('NK1-2.1')).toBe(out.get('PID-5.1'));
    expect(out.get('NK1-16')).toMatch(/^\d{8}$/);
    expect(out.get('NK1-16')).not.toBe('19950302');
    expect(out.get('NK1-37.1')).toMatch(/^\d{3}-\d{2}-\d{4}$/);
    expect(out.get('NK1-37.1')).not.toBe('078-05-1120');
    expect(out.segment('NK1')?.raw(37, 1, 4)).toBe('ssn&2.16.840.1.113883.4.1&ISO');
    expect(out.get('NK1-37.5')).toBe('SS');
  });

  it('throws RangeError for an empty key', () => {
    expect(() => deidentify(original, { key: '' })).toThrow(RangeError);
    expect(() => deidentify(original, { key: new Uint8Array(0) })).toThrow(RangeError);
  });
});

describe('Pseudonymiser.shiftDate', () => {
  const p = new Pseudonymiser(KEY);

  it.each(['1987', '198704', '19870412', '198704121030', '19870412103015.25-0500'])(
    'keeps the precision of %s',
    (value) => {
      const shifted = p.shiftDate(value);

      expect(shifted).toHaveLength(value.length);
      expect(shifted.slice(8)).toBe(value.slice(8));
      if (value.length >= 8) expect(shifted).not.toBe(value);
    },
  );

  it('moves a birth date with or without a time alike', () => {
    expect(p.shiftDate('198704121030').slice(0, 8)).toBe(p.shiftDate('19870412'));
  });

  it.each([
    ['20231345', /^\d{8}$/],
    ['1987-04-12', /^\d{4}-\d{2}-\d{2}$/],
    ['198704-0500x', /^\d{6}-\d{4}[a-z]$/],
    ['DOB', /^[A-Z]{3}$/],
  ])('reshapes %s, which is not a DTM', (value, shape) => {
    const shifted = p.shiftDate(value);

    expect(shifted).toMatch(shape);
    expect(shifted).not.toBe(value);
    if (value.length > 4) expect(shifted.slice(4)).not.toBe(value.slice(4));
  });
});

describe('nhsCheckDigit', () => {
  it.each([
    ['943476591', '9'],
    ['401023213', '7'],
    ['000000000', '0'],
    ['000000006', undefined],
  ])('gives %s check digit %s', (nine, check) => {
    expect(nhsCheckDigit(nine)).toBe(check);
  });
});

describe('deidentify on the corpus', () => {
  const root = join(CORPUS, 'cdc-trusted-intermediary');
  // Batches (FHS/BHS) are de-identified member by member, once split; these are single messages.
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.hl7'))
    .filter((file) => readFileSync(join(root, file), 'latin1').trimStart().startsWith('MSH'))
    .sort();

  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it.each(files)('%s de-identifies and still parses', (file) => {
    const original = parse(readFileSync(join(root, file)));

    const result = parse(deidentify(original, { key: KEY }).toString());

    expect(shape(result)).toEqual(shape(original));
    for (const path of ['PID-3.1', 'PID-5.1', 'PID-5.2', 'PID-7', 'PID-11.1', 'NK1-2.1']) {
      const before = original.get(path);
      if (before !== '') expect(result.get(path), path).not.toBe(before);
    }
  });
});
