import { describe, expect, it } from 'vitest';

import { DEFAULT_DELIMITERS } from './delimiters.js';
import { Hl7ParseError, isHl7ParseError, type Hl7ParseErrorCode } from './errors.js';
import { parse, readDelimiters, splitLines } from './parse.js';

const MSH = 'MSH|^~\\&|LIS|COUNTY LAB|EHR|CLINIC|20240711160217||ORU^R01^ORU_R01|MSG0001|P|2.5.1';
const PID = 'PID|1||PAT000123^^^LAB^MR||Doe^Jane||19800115|F';
const OBX = 'OBX|1|NM|2345-7^Glucose^LN||105|mg/dL|70-99|H|||F';
const ORU = [MSH, PID, OBX].join('\r') + '\r';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0));

/** An MSH whose MSH-18 is `charset`, followed by `rest`. */
const withCharset = (charset: string, rest = ''): string =>
  `MSH|^~\\&|LIS|LAB|EHR|CLINIC|20240711||ADT^A08|1|P|2.5.1||||||${charset}\r${rest}`;

/** The error `parse` throws for `input`, failing the test when it throws none. */
function parseError(input: string | Uint8Array, options = {}): Hl7ParseError {
  try {
    parse(input, options);
  } catch (error) {
    if (isHl7ParseError(error)) return error;
    throw error;
  }
  throw new Error('parse did not throw');
}

describe('parse: delimiters', () => {
  it('reads the default delimiters', () => {
    expect(parse(ORU).delimiters).toEqual(DEFAULT_DELIMITERS);
  });

  it('reads non-default delimiters from MSH-1 and MSH-2', () => {
    const message = parse(
      'MSH#$~?*#LIS#LAB#EHR#CLINIC#20240711##ORU$R01#MSG1#P#2.3\rPID#1##A$B~C$D',
    );

    expect(message.delimiters).toEqual({
      field: '#',
      component: '$',
      repetition: '~',
      escape: '?',
      subcomponent: '*',
      truncation: '',
    });
    expect(message.get('MSH-1')).toBe('#');
    expect(message.get('MSH-2')).toBe('$~?*');
    expect(message.messageType).toBe('ORU^R01');
    expect(message.get('PID-3[2].2')).toBe('D');
  });

  it('reads the v2.7 five-character form with a truncation character', () => {
    const message = parse(
      'MSH|^~\\&#|LIS|LAB|EHR|CLINIC|20240711||ORU^R01^ORU_R01|MSG1|P|2.7\rNTE|1||Apt \\P\\4',
    );

    expect(message.delimiters.truncation).toBe('#');
    expect(message.get('MSH-2')).toBe('^~\\&#');
    expect(message.get('NTE-3')).toBe('Apt #4');
    expect(message.version).toBe('2.7');
  });

  it.each([
    ['^~', { escape: '', subcomponent: '' }],
    ['^~\\', { escape: '\\', subcomponent: '' }],
  ])('reads a short MSH-2 %j', (encoding, expected) => {
    const message = parse(`MSH|${encoding}|LIS|LAB\rOBX|1|ST|||A\\F\\B^C`);

    expect(message.delimiters).toMatchObject(expected);
    expect(message.get('MSH-3')).toBe('LIS');
    expect(message.get('OBX-5.2')).toBe('C');
  });

  it('never unescapes MSH-2', () => {
    const message = parse('MSH|^~\\&|LIS|LAB|EHR|CLINIC|20240711||ACK|1|P|2.5.1');

    expect(message.get('MSH-2')).toBe('^~\\&');
    expect(message.header.value(2)).toBe('^~\\&');
  });

  it('reads a multi-byte UTF-8 field separator from bytes, MSH-18 included', () => {
    const message = parse(bytes('MSH§^~\\&§LIS§§§§§§ACK§1§P§2.5.1§§§§§§UNICODE UTF-8\rMSA§AA§1'));

    expect(message.delimiters.field).toBe('§');
    expect(message.charset).toBe('utf-8');
    expect(message.get('MSA-1')).toBe('AA');
  });

  it('reads a one-byte latin1 field separator from bytes', () => {
    const message = parse(latin1('MSH§^~\\&§LIS§§§§§§ACK§1§P§2.5.1§§§§§§8859/1\rMSA§AA§é'));

    expect(message.delimiters.field).toBe('§');
    expect(message.charset).toBe('latin1');
    expect(message.get('MSA-2')).toBe('é');
  });

  it('exports readDelimiters for header lines', () => {
    expect(readDelimiters('BHS|^~\\&|LIS')).toEqual(DEFAULT_DELIMITERS);
  });
});

describe('parse: lines', () => {
  it.each([
    ['\\r', '\r'],
    ['\\n', '\n'],
    ['\\r\\n', '\r\n'],
  ])('splits segments ended by %s', (_name, terminator) => {
    const message = parse([MSH, PID, OBX].join(terminator) + terminator);

    expect(message.segments().map((s) => s.name)).toEqual(['MSH', 'PID', 'OBX']);
    expect(message.toString()).toBe(ORU);
  });

  it('splits terminators mixed in one file', () => {
    const message = parse(`${MSH}\r\n${PID}\n${OBX}\rNTE|1\r\n`);

    expect(message.segments().map((s) => s.name)).toEqual(['MSH', 'PID', 'OBX', 'NTE']);
    expect(message.toString()).toBe(`${MSH}\r${PID}\r${OBX}\rNTE|1\r`);
  });

  it('reads a message without a final terminator', () => {
    expect(parse([MSH, PID].join('\r')).toString()).toBe(`${MSH}\r${PID}\r`);
  });

  it('drops trailing blank lines, blank-with-spaces included, without a repair', () => {
    const message = parse(`${ORU}\r\n\r\n  \n\t\r`);

    expect(message.toString()).toBe(ORU);
    expect(message.repairs).toEqual([]);
  });

  it('drops leading blank lines and numbers repairs by the input line', () => {
    const message = parse(`\r\n\r\n${MSH}\r\n${PID}\r\ncontinued\r\n${OBX}`);

    expect(message.get('PID-8')).toBe('F continued');
    expect(message.repairs).toEqual([expect.objectContaining({ location: 'line 5' })]);
  });

  it.each([
    ['bytes', new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(ORU)])],
    ['a string', `\uFEFF${ORU}`],
  ])('drops a UTF-8 BOM given as %s', (_name, input) => {
    expect(parse(input).toString()).toBe(ORU);
  });

  it.each([
    ['bytes', new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, ...bytes(ORU)])],
    ['a string', `\uFEFF\uFEFF${ORU}`],
  ])('drops one BOM only, as %s', (_name, input) => {
    expect(parseError(input).code).toBe('NOT_HL7');
  });

  it('splitLines drops blank lines at both ends only', () => {
    expect(splitLines('\r\nA\r\rB\nC\r\n\r\n')).toEqual(['A', '', 'B', 'C']);
    expect(splitLines('')).toEqual([]);
  });
});

describe('parse: character sets', () => {
  it('decodes bytes as UTF-8 when MSH-18 is empty', () => {
    const message = parse(bytes(`${MSH}\rPID|1||||Gwyneŵ^José`));

    expect(message.charset).toBe('utf-8');
    expect(message.get('PID-5.1')).toBe('Gwyneŵ');
    expect(message.get('PID-5.2')).toBe('José');
  });

  it.each([
    ['UNICODE UTF-8', 'utf-8'],
    ['UTF-8', 'utf-8'],
    ['ASCII', 'ascii'],
    ['8859/1', 'latin1'],
    ['ISO-8859-1', 'latin1'],
    ['8859/1~UNICODE UTF-8', 'latin1'],
    ['unicode utf-8', 'utf-8'],
  ])('reads MSH-18 %j as %s', (msh18, charset) => {
    expect(parse(withCharset(msh18)).charset).toBe(charset);
  });

  it('decodes a latin1 byte 0xE9 as é under 8859/1', () => {
    const message = parse(latin1(withCharset('8859/1', 'PID|1||||Ren\u00e9e')));

    expect(message.get('PID-5')).toBe('Renée');
  });

  it('decodes the same byte as U+FFFD under UTF-8, so the fault shows', () => {
    const message = parse(latin1(withCharset('', 'PID|1||||Ren\u00e9e')));

    expect(message.get('PID-5')).toBe('Ren\uFFFDe');
  });

  it('decodes ASCII bytes, keeping a stray high byte as its latin1 character', () => {
    const message = parse(latin1(withCharset('ASCII', 'PID|1||||Smith\u00e9')));

    expect(message.get('PID-5')).toBe('Smithé');
  });

  it('finds MSH-18 after leading blank lines in bytes', () => {
    const message = parse(latin1(`\r\n\r\n${withCharset('8859/1', 'PID|1||||\u00e9')}`));

    expect(message.charset).toBe('latin1');
    expect(message.get('PID-5')).toBe('é');
  });

  it('reads hex escapes in the message charset', () => {
    expect(parse(withCharset('8859/1', 'NTE|1||\\XE9\\')).get('NTE-3')).toBe('é');
    expect(parse(withCharset('', 'NTE|1||\\XC3A9\\')).get('NTE-3')).toBe('é');
  });
});

describe('parse: values', () => {
  it('keeps an empty value and the explicit null "" apart', () => {
    const message = parse(`${MSH}\rPID|1||PAT1||""||""|`);

    expect(message.get('PID-5')).toBe('""');
    expect(message.get('PID-4')).toBe('');
    expect(message.isExplicitNull('PID-5')).toBe(true);
    expect(message.isExplicitNull('PID-7')).toBe(true);
    expect(message.isExplicitNull('PID-4')).toBe(false);
    expect(message.isExplicitNull('PID-8')).toBe(false);
  });

  it('reads Z-segments like any other', () => {
    const message = parse(`${MSH}\rZPI|1|Pref lang^Spanish\rZ01|x\rZPI|2`);

    expect(message.segments('ZPI')).toHaveLength(2);
    expect(message.get('ZPI-2.2')).toBe('Spanish');
    expect(message.get('ZPI[2]-1')).toBe('2');
    expect(message.get('Z01-1')).toBe('x');
  });

  it('reads a segment that is its name alone', () => {
    const message = parse(`${MSH}\rPV1\r${OBX}`);

    expect(message.segment('PV1')?.fieldCount).toBe(0);
    expect(message.get('OBX-5')).toBe('105');
  });

  it.each(['2.1', '2.2', '2.3', '2.3.1', '2.4', '2.5', '2.5.1', '2.6', '2.7', '2.7.1', '2.8'])(
    'reads version %s',
    (version) => {
      const message = parse(
        `MSH|^~\\&|LIS|LAB|EHR|CLINIC|20240711||ORU^R01|MSG1|P|${version}\r${OBX}`,
      );

      expect(message.version).toBe(version);
      expect(message.get('OBX-3.2')).toBe('Glucose');
    },
  );

  it('reads MSH-12 given with components', () => {
    expect(parse(`MSH|^~\\&|||||||ACK|1|P|2.5.1^USA&&ISO`).version).toBe('2.5.1');
  });
});

describe('parse: errors', () => {
  it.each<[string, string | Uint8Array, Hl7ParseErrorCode, string | undefined]>([
    ['an empty string', '', 'EMPTY_INPUT', undefined],
    ['empty bytes', new Uint8Array(0), 'EMPTY_INPUT', undefined],
    ['blank lines only', '\r\n  \n\r', 'EMPTY_INPUT', undefined],
    ['a BOM only', '\uFEFF', 'EMPTY_INPUT', undefined],
    ['a PID first', `${PID}\r${MSH}`, 'NOT_HL7', 'line 1'],
    ['text', 'Hello, world', 'NOT_HL7', 'line 1'],
    ['JSON', '{"resourceType":"Bundle"}', 'NOT_HL7', 'line 1'],
    ['a leading MLLP start byte', `\u000b${ORU}`, 'NOT_HL7', 'line 1'],
    ['a leading space', ` ${ORU}`, 'NOT_HL7', 'line 1'],
    ['garbage after blank lines', '\n\nEHLO', 'NOT_HL7', 'line 3'],
    ['a batch header FHS', `FHS|^~\\&|LIS\r${ORU}`, 'MSH_MISSING', 'line 1'],
    ['a batch header BHS', `\r\nBHS|^~\\&|LIS\r${ORU}`, 'MSH_MISSING', 'line 2'],
    ['MSH alone', 'MSH', 'BAD_ENCODING_CHARACTERS', 'MSH-1'],
    ['a letter as MSH-1', 'MSHX^~\\&X', 'BAD_ENCODING_CHARACTERS', 'MSH-1'],
    ['a space as MSH-1', 'MSH ^~\\& A', 'BAD_ENCODING_CHARACTERS', 'MSH-1'],
    ['a surrogate as MSH-1', 'MSH😀^~\\&😀A', 'BAD_ENCODING_CHARACTERS', 'MSH-1'],
    ['an empty MSH-2', 'MSH||LIS', 'BAD_ENCODING_CHARACTERS', 'MSH-2'],
    ['no MSH-2', 'MSH|', 'BAD_ENCODING_CHARACTERS', 'MSH-2'],
    ['a one-character MSH-2', 'MSH|^|LIS', 'BAD_ENCODING_CHARACTERS', 'MSH-2'],
    ['a six-character MSH-2', 'MSH|^~\\&#!|LIS', 'BAD_ENCODING_CHARACTERS', 'MSH-2'],
    ['a repeated delimiter', 'MSH|^^\\&|LIS', 'BAD_ENCODING_CHARACTERS', 'MSH-2'],
    ['a digit in MSH-2', 'MSH|^~1&|LIS', 'BAD_ENCODING_CHARACTERS', 'MSH-2'],
    ['a space in MSH-2', 'MSH|^ \\&|LIS', 'BAD_ENCODING_CHARACTERS', 'MSH-2'],
    ['an unknown MSH-18', withCharset('UNICODE UTF-16'), 'UNSUPPORTED_CHARSET', 'MSH-18'],
    ['a Japanese MSH-18', withCharset('ISO IR87'), 'UNSUPPORTED_CHARSET', 'MSH-18'],
    ['bytes, unknown MSH-18', bytes(withCharset('BIG-5')), 'UNSUPPORTED_CHARSET', 'MSH-18'],
    [
      'bytes, bad MSH-2 first',
      bytes('MSH|^|||||||||||||||BIG-5'),
      'BAD_ENCODING_CHARACTERS',
      'MSH-2',
    ],
  ])('refuses %s', (_name, input, code, location) => {
    const error = parseError(input);

    expect(error).toBeInstanceOf(Hl7ParseError);
    expect(error.code).toBe(code);
    if (location !== undefined) expect(error.location).toBe(location);
  });

  it('refuses a message longer than maxLength', () => {
    const error = parseError(ORU, { maxLength: 20 });

    expect(error.code).toBe('TOO_LARGE');
    expect(parseError(bytes(ORU), { maxLength: 20 }).code).toBe('TOO_LARGE');
    expect(parse(ORU, { maxLength: ORU.length }).segments()).toHaveLength(3);
  });

  it('refuses a message with more segments than maxSegments', () => {
    expect(parseError(ORU, { maxSegments: 2 }).code).toBe('TOO_LARGE');
    expect(parse(ORU, { maxSegments: 3 }).segments()).toHaveLength(3);
  });

  it('refuses a field longer than maxFieldLength, naming the segment, its occurrence and the field', () => {
    const twoObx = [MSH, PID, OBX, OBX.replace('||105|', `||${'9'.repeat(40)}|`)].join('\r');

    const error = parseError(twoObx, { maxFieldLength: 39 });

    expect([error.code, error.location]).toEqual(['TOO_LARGE', 'OBX[2]-5']);
    expect(error.message).not.toContain('9999');
    expect(parse(twoObx, { maxFieldLength: 40 }).segments()).toHaveLength(4);
    expect(parseError(bytes(twoObx), { maxFieldLength: 39 }).location).toBe('OBX[2]-5');
  });

  it('numbers MSH fields from MSH-1, the separator, when one is too long', () => {
    expect(parseError(ORU, { maxFieldLength: 12 }).location).toBe('MSH[1]-7');
  });

  it('names codes and locations in its errors, never contents', () => {
    const error = parseError(withCharset('SECRET-CHARSET-JANE-DOE'));

    expect(error.message).not.toContain('JANE');
    expect(error.name).toBe('Hl7ParseError');
  });
});

describe('parse: repairs', () => {
  const wrapped = `${MSH}\r${PID}\rOBX|1|TX|8251-1^Comment^LN||Sample received\rafter cutoff||||||F\r${OBX}`;

  it('joins a wrapped line to the segment before, with a space, and reports it', () => {
    const message = parse(wrapped);

    expect(message.get('OBX-5')).toBe('Sample received after cutoff');
    expect(message.get('OBX-11')).toBe('F');
    expect(message.segments()).toHaveLength(4);
    expect(message.repairs).toEqual([
      {
        code: 'JOINED_WRAPPED_LINE',
        location: 'line 4',
        message: expect.not.stringContaining('cutoff'),
      },
    ]);
  });

  it('refuses the wrapped line in strict mode, naming the line', () => {
    const error = parseError(wrapped, { strict: true });

    expect(error.code).toBe('BAD_SEGMENT');
    expect(error.location).toBe('line 4');
  });

  it.each([
    ['lower-case name', 'obx|1'],
    ['name without field separator', 'OBX^1'],
    ['short line', 'OB'],
    ['leading space', ' OBX|1'],
  ])('treats a %s as a wrapped line', (_name, line) => {
    const message = parse(`${MSH}\r${PID}\r${line}`);

    expect(message.segments()).toHaveLength(2);
    expect(message.repairs[0]?.code).toBe('JOINED_WRAPPED_LINE');
    expect(message.segment('PID')?.toString()).toBe(`${PID} ${line}`);
  });

  it('joins a line starting with a field separator to a bare segment name, without a space', () => {
    const message = parse(`${MSH}\rPV1\n|1|O\r${OBX}`);

    expect(message.segment('PV1')?.toString()).toBe('PV1|1|O');
    expect(message.get('PV1-2')).toBe('O');
    expect(message.repairs).toEqual([expect.objectContaining({ location: 'line 3' })]);
    expect(parse(message.toString()).toString()).toBe(message.toString());
  });

  it('refuses a line that would turn a bare segment name into something else', () => {
    expect(parseError(`${MSH}\rPV1\r1|O\r${OBX}`)).toMatchObject({
      code: 'BAD_SEGMENT',
      location: 'line 3',
    });
  });

  it('reads MSH-18 from a header joined with its wrapped line, bytes read again in it', () => {
    const header = 'MSH|^~\\&|LIS|LAB|EHR|CLINIC|20240711||ADT^A08|1|P|2.5.1||||||';
    const message = parse(latin1(`${header}\r\n8859/1\r\nPID|1||||Ren\u00e9e`));

    expect(message.charset).toBe('latin1');
    expect(message.get('MSH-18')).toBe(' 8859/1');
    expect(message.get('PID-5')).toBe('Renée');
    expect(message.repairs).toEqual([expect.objectContaining({ location: 'line 2' })]);
  });

  it('reads the delimiters from a header joined with its wrapped line', () => {
    expect(parseError('MSH|^~\r\n\\&|LIS|LAB')).toMatchObject({
      code: 'BAD_ENCODING_CHARACTERS',
      location: 'MSH-2',
    });
  });

  it('drops a blank line inside the message and reports it; strict refuses it', () => {
    const input = `${MSH}\r\n\r\n${PID}\r\n${OBX}`;

    expect(parse(input).toString()).toBe(ORU);
    expect(parse(input).repairs).toEqual([
      { code: 'DROPPED_BLANK_LINE', location: 'line 2', message: 'Dropped a blank line' },
    ]);
    expect(parseError(input, { strict: true })).toMatchObject({
      code: 'BAD_SEGMENT',
      location: 'line 2',
    });
  });

  it('accepts well-formed input in strict mode', () => {
    expect(parse(ORU, { strict: true }).repairs).toEqual([]);
  });
});
