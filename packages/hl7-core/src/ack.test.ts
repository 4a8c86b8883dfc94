import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildAck, buildRejectAck, parseErrorCondition, parseLocation } from './ack.js';
import { Hl7ParseError, type Hl7ParseErrorCode } from './errors.js';
import { parse } from './parse.js';
import type { ValidationIssue } from './validation-issue.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));

const ORU = [
  'MSH|^~\\&|LabSys^2.16.840.1.113883.19.4.6^ISO|Ysbyty Gwynedd^2.16.840.1.113883.19.4.7^ISO|' +
    'EHR^2.16.840.1.113883.19.4.8^ISO|Betsi^2.16.840.1.113883.19.4.9^ISO|20240311093000+0000||' +
    'ORU^R01^ORU_R01|MSG-20240311-0042|P|2.5.1|||AL|NE||UNICODE UTF-8',
  'PID|1||7712045^^^YG^MR||Prydderch^Elin||19900101|F',
  'OBR|1|ORD-5521|ACC-9912|2345-7^Glucose^LN',
  'OBX|1|NM|2345-7^Glucose^LN||5.4|mmol/L|3.9-7.8|N|||F',
].join('\r');

const AT = new Date(Date.UTC(2024, 2, 11, 9, 30, 5));

function issue(overrides: Partial<ValidationIssue>): ValidationIssue {
  return {
    code: 'REQUIRED_FIELD_MISSING',
    severity: 'error',
    location: 'OBX[3]-5',
    message: 'OBX[3]-5 (observation value) is required',
    condition: '101',
    ...overrides,
  };
}

describe('buildAck', () => {
  it('answers the original with swapped routing, its control id and version', () => {
    const original = parse(ORU);

    const ack = parse(
      buildAck(original, { code: 'AA', controlId: 'ACK-0001', timestamp: AT }).toString(),
    );

    expect(ack.segments().map((s) => s.name)).toEqual(['MSH', 'MSA']);
    expect(ack.header.field(3)).toBe(original.header.field(5));
    expect(ack.header.field(4)).toBe(original.header.field(6));
    expect(ack.header.field(5)).toBe(original.header.field(3));
    expect(ack.header.field(6)).toBe(original.header.field(4));
    expect(ack.get('MSH-7')).toBe('20240311093005+0000');
    expect(ack.header.field(9)).toBe('ACK^R01^ACK');
    expect(ack.controlId).toBe('ACK-0001');
    expect(ack.get('MSH-11')).toBe('P');
    expect(ack.version).toBe('2.5.1');
    expect(ack.get('MSH-15')).toBe('');
    expect(ack.get('MSH-18')).toBe('UNICODE UTF-8');
    expect(ack.get('MSA-1')).toBe('AA');
    expect(ack.get('MSA-2')).toBe('MSG-20240311-0042');
  });

  it('has the shape of the corpus ACK from the Natus lab', () => {
    const reference = parse(
      readFileSync(`${CORPUS}cdc-trusted-intermediary/Natus/001_Natus_ACK.hl7`, 'utf8'),
    );
    const original = parse(
      'MSH|^~\\&|OZNBS|FSR|NBS|TN|20240301120000||ORU^R01^ORU_R01|' +
        '0A173B79-D7AC-444F-99E7-C96B4A68B188|D|2.5.1\rPID|1||552211^^^FSR^MR',
    );

    const ack = buildAck(original, {
      code: 'AA',
      controlId: reference.controlId,
      timestamp: '20240301120001',
    });

    expect(ack.segments().map((s) => s.name)).toEqual(reference.segments().map((s) => s.name));
    for (const path of ['MSH-3', 'MSH-4', 'MSH-5', 'MSH-6', 'MSH-9.1', 'MSH-10', 'MSH-11']) {
      expect(ack.get(path), path).toBe(reference.get(path));
    }
    expect(ack.version).toBe(reference.version);
    expect(ack.get('MSA-1')).toBe(reference.get('MSA-1'));
    expect(ack.get('MSA-2')).toBe(reference.get('MSA-2'));
  });

  it('writes one ERR per issue with location, condition, severity, code and message', () => {
    const issues = [
      issue({}),
      issue({
        code: 'TABLE_VALUE_NOT_FOUND',
        severity: 'warning',
        location: 'PID-8',
        message: 'PID-8 is not in table 0001',
        condition: '103',
      }),
    ];

    const ack = parse(
      buildAck(parse(ORU), { code: 'AE', controlId: 'A2', timestamp: AT, issues }).toString(),
    );

    expect(ack.segments('ERR')).toHaveLength(2);
    expect(ack.segment('ERR', 1)?.field(2)).toBe('OBX^3^5^1');
    expect(ack.segment('ERR', 1)?.field(3)).toBe('101^Required field missing^HL70357');
    expect(ack.get('ERR-4')).toBe('E');
    expect(ack.get('ERR-5')).toBe('REQUIRED_FIELD_MISSING');
    expect(ack.get('ERR-8')).toBe('OBX[3]-5 (observation value) is required');
    expect(ack.segment('ERR', 2)?.field(2)).toBe('PID^1^8^1');
    expect(ack.segment('ERR', 2)?.field(3)).toBe('103^Table value not found^HL70357');
    expect(ack.get('ERR[2]-4')).toBe('W');
    expect(ack.get('MSA-1')).toBe('AE');
  });

  it.each([
    ['error', 'E'],
    ['warning', 'W'],
    ['info', 'I'],
  ] as const)('writes severity %s as ERR-4 %s', (severity, code) => {
    const ack = buildAck(parse(ORU), {
      code: 'AA',
      controlId: 'A3',
      timestamp: AT,
      issues: [issue({ severity })],
    });

    expect(ack.get('ERR-4')).toBe(code);
  });

  it.each(['AA', 'AE', 'AR', 'CA', 'CE', 'CR'] as const)('writes MSA-1 %s', (code) => {
    const ack = buildAck(parse(ORU), { code, controlId: 'A4', timestamp: AT });

    expect(ack.get('MSA-1')).toBe(code);
    expect(ack.header.field(9)).toBe('ACK^R01^ACK');
  });

  it('keeps custom delimiters and escapes ERR text and MSA-3 in them', () => {
    const original = parse(
      'MSH#$*@%#LAB#SITE$1.2.3$ISO#EHR#HOSP#20240311##ORU$R01$ORU_R01#X$1#T#2.5.1\r' +
        'PID#1##123$$$SITE$MR',
    );
    const message = 'Value has # and $ and @ and * and %';

    const text = buildAck(original, {
      code: 'AE',
      controlId: 'ACK#1',
      timestamp: AT,
      textMessage: 'See ERR#1',
      issues: [issue({ message })],
    }).toString();
    const ack = parse(text);

    expect(text.startsWith('MSH#$*@%#EHR#HOSP#LAB#SITE$1.2.3$ISO#')).toBe(true);
    expect(ack.delimiters).toEqual(original.delimiters);
    expect(ack.header.field(9)).toBe('ACK$R01$ACK');
    expect(ack.controlId).toBe('ACK#1');
    expect(ack.segment('MSA')?.field(2)).toBe('X$1');
    expect(ack.get('MSA-3')).toBe('See ERR#1');
    expect(ack.get('ERR-8')).toBe(message);
    expect(ack.segment('ERR')?.field(8)).toBe('Value has @F@ and @S@ and @E@ and @R@ and @T@');
  });

  it('escapes a user message holding delimiters and line breaks', () => {
    const message = 'a|b^c~d\\e&f\ng\rh';

    const ack = parse(
      buildAck(parse(ORU), {
        code: 'AE',
        controlId: 'A5',
        timestamp: AT,
        issues: [issue({ message })],
      }).toString(),
    );

    expect(ack.segments()).toHaveLength(3);
    expect(ack.get('ERR-8')).toBe(message);
  });

  it('takes sender overrides as HD fields', () => {
    const ack = buildAck(parse(ORU), {
      code: 'CA',
      controlId: 'A6',
      timestamp: AT,
      sendingApplication: {
        namespaceId: 'HL7GW',
        universalId: '1.2.826.0.1',
        universalIdType: 'ISO',
      },
      sendingFacility: 'Gateway',
    });

    expect(ack.header.field(3)).toBe('HL7GW^1.2.826.0.1^ISO');
    expect(ack.header.field(4)).toBe('Gateway');
    expect(ack.header.field(5)).toBe(parse(ORU).header.field(3));
  });

  it('leaves the original unchanged', () => {
    const original = parse(ORU);

    buildAck(original, { code: 'AR', controlId: 'A7', timestamp: AT, issues: [issue({})] });

    expect(original.toString()).toBe(ORU + '\r');
  });

  it.each([
    ['an empty control id', { controlId: '', timestamp: AT }],
    ['an ISO timestamp', { controlId: 'A8', timestamp: '2024-03-11T09:30:00Z' }],
    ['an invalid date', { controlId: 'A8', timestamp: new Date(Number.NaN) }],
  ])('throws RangeError for %s', (_, options) => {
    expect(() => buildAck(parse(ORU), { code: 'AA', ...options })).toThrow(RangeError);
  });
});

describe('parseLocation', () => {
  it.each([
    ['OBX[3]-5.1', { segment: 'OBX', sequence: 3, field: 5, repetition: 1, component: 1 }],
    [
      'OBX[3]-5.1.2',
      { segment: 'OBX', sequence: 3, field: 5, repetition: 1, component: 1, subcomponent: 2 },
    ],
    ['PID-3[2].4', { segment: 'PID', sequence: 1, field: 3, repetition: 2, component: 4 }],
    ['MSH-9.2', { segment: 'MSH', sequence: 1, field: 9, repetition: 1, component: 2 }],
    ['OBR[2]', { segment: 'OBR', sequence: 2 }],
    ['ZPI-1', { segment: 'ZPI', sequence: 1, field: 1, repetition: 1 }],
  ])('reads %s', (location, expected) => {
    expect(parseLocation(location)).toEqual(expected);
  });

  it.each(['line 4', 'segment 2', '', 'OBX[0]-5', 'PID-0', 'obx-5'])(
    'returns undefined for %j',
    (location) => {
      expect(parseLocation(location)).toBeUndefined();
    },
  );

  it('writes an unreadable location as an empty ERR-2', () => {
    const ack = buildAck(parse(ORU), {
      code: 'AE',
      controlId: 'A9',
      timestamp: AT,
      issues: [issue({ location: 'line 4' })],
    });

    expect(ack.segment('ERR')?.field(2)).toBe('');
    expect(ack.get('ERR-3.1')).toBe('101');
  });
});

describe('buildRejectAck', () => {
  function rejectFor(input: string | Uint8Array): Hl7ParseError {
    try {
      parse(input, { maxLength: 400 });
    } catch (error) {
      if (error instanceof Hl7ParseError) return error;
    }
    throw new Error('expected parse to fail');
  }

  it.each([
    ['malformed/cdc-Test-empty.hl7', 'EMPTY_INPUT', '100'],
    ['malformed/cdc-Test-msh-present-but-missing-all-fields.hl7', 'BAD_ENCODING_CHARACTERS', '102'],
    ['malformed/cdc-Test-msh-present-but-missing-msh-2.hl7', 'BAD_ENCODING_CHARACTERS', '102'],
  ])('rejects %s with default delimiters and no MSA-2', (file, code, condition) => {
    const input = readFileSync(`${CORPUS}${file}`, 'utf8');
    const error = rejectFor(input);

    const ack = parse(buildRejectAck(input, error, { controlId: 'R1', timestamp: AT }).toString());

    expect(error.code).toBe(code);
    expect(ack.header.toString().startsWith('MSH|^~\\&|')).toBe(true);
    expect(ack.get('MSA-1')).toBe('AR');
    expect(ack.get('MSA-2')).toBe('');
    expect(ack.get('ERR-3.1')).toBe(condition);
    expect(ack.get('ERR-4')).toBe('E');
    expect(ack.get('ERR-5')).toBe(code);
    expect(ack.header.field(9)).toBe('ACK^^ACK');
    expect(ack.get('MSH-11')).toBe('P');
    expect(ack.version).toBe('2.5.1');
  });

  it('salvages delimiters, routing and MSH-10 from a readable header', () => {
    const input =
      'MSH#$*@%#LAB#SITE#EHR#HOSP#20240311##ORU$R01$ORU_R01#CTL@F@9#P#2.5.1\r' +
      'OBX#1#TX###' +
      'x'.repeat(500);
    const error = rejectFor(input);

    const ack = parse(
      buildRejectAck(input, error, { code: 'CR', controlId: 'R2', timestamp: AT }).toString(),
    );

    expect(error.code).toBe('TOO_LARGE');
    expect(ack.delimiters.field).toBe('#');
    expect(ack.header.field(3)).toBe('EHR');
    expect(ack.header.field(5)).toBe('LAB');
    expect(ack.header.field(9)).toBe('ACK$R01$ACK');
    expect(ack.get('MSA-1')).toBe('CR');
    expect(ack.get('MSA-2')).toBe('CTL#9');
    expect(ack.get('ERR-3.1')).toBe('207');
    expect(ack.version).toBe('2.5.1');
  });

  it('drops an MSH-18 it cannot decode and answers condition 103', () => {
    const input =
      '\uFEFF\r\nMSH|^~\\&|LAB|SITE|EHR|HOSP|20240311||ORU^R01|C-77|P|2.5.1||||||ISO IR87\rPID|1';
    const error = rejectFor(input);

    const ack = parse(buildRejectAck(input, error, { controlId: 'R3', timestamp: AT }).toString());

    expect(error.code).toBe('UNSUPPORTED_CHARSET');
    expect(ack.get('MSA-2')).toBe('C-77');
    expect(ack.get('MSH-18')).toBe('');
    expect(ack.segment('ERR')?.field(2)).toBe('MSH^1^18^1');
    expect(ack.get('ERR-3.1')).toBe('103');
  });

  it('reads the header of bytes in the charset MSH-18 names', () => {
    const input = new TextEncoder().encode(
      'MSH|^~\\&|LAB|Ysbyty Glan Clwyd – Bodelwyddan|EHR|HOSP|20240311||ORU^R01|C-78|P|2.5.1\rX',
    );
    const error = new Hl7ParseError(
      'BAD_SEGMENT',
      'A line does not start with a segment name',
      'line 2',
    );

    const ack = buildRejectAck(input, error, { controlId: 'R4', timestamp: AT });

    expect(ack.get('MSH-6')).toBe('Ysbyty Glan Clwyd – Bodelwyddan');
    expect(ack.get('MSA-2')).toBe('C-78');
    expect(ack.get('ERR-3.1')).toBe('100');
    expect(ack.segment('ERR')?.field(2)).toBe('');
  });

  it.each([
    ['EMPTY_INPUT', '100'],
    ['NOT_HL7', '100'],
    ['MSH_MISSING', '100'],
    ['BAD_SEGMENT', '100'],
    ['BATCH_COUNT_MISMATCH', '100'],
    ['BATCH_STRUCTURE', '100'],
    ['BAD_ENCODING_CHARACTERS', '102'],
    ['UNSUPPORTED_CHARSET', '103'],
    ['TOO_LARGE', '207'],
    ['MLLP_FRAME_TOO_LARGE', '207'],
  ] as const)('maps %s to condition %s', (code: Hl7ParseErrorCode, condition) => {
    expect(parseErrorCondition(code)).toBe(condition);
  });
});
