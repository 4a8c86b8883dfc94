import { describe, expect, it } from 'vitest';
import { Findings } from './findings.js';
import { isAbsent } from './field-checks.js';
import { checkObservation } from './observation-rules.js';
import { parse } from './parse.js';
import { LENIENT_PROFILE, STRICT_PROFILE, type ValidationProfile } from './profiles.js';

const MSH = 'MSH|^~\\&|LIS|County Lab|GW|PHL|20240506052913-0500||ORU^R01^ORU_R01|MSG-1|P|2.5.1';

/** Checks one OBX line as the third OBX of an ORU^R01 and returns `code@location` strings. */
function check(
  line: string,
  options: { profile?: ValidationProfile; requireFields?: boolean } = {},
): string[] {
  const findings = new Findings(options.profile ?? STRICT_PROFILE);
  const obx = parse(`${MSH}\r${line}`).segment('OBX');
  if (!obx) throw new Error('test line is not an OBX');
  checkObservation(obx, 3, findings, options.requireFields ?? true);
  return findings.issues.map((issue) => `${issue.code}@${issue.location}`);
}

function severities(line: string, profile: ValidationProfile): Record<string, string> {
  const findings = new Findings(profile);
  const obx = parse(`${MSH}\r${line}`).segment('OBX');
  if (!obx) throw new Error('test line is not an OBX');
  checkObservation(obx, 1, findings, true);
  return Object.fromEntries(findings.issues.map((issue) => [issue.code, issue.severity]));
}

describe('OBX-5 read as the OBX-2 type', () => {
  it.each([
    'OBX|1|NM|6690-2^Leukocytes^LN||7.5|10*3/uL^^UCUM|4.0-11.0|N|||F|||20240506050000-0500',
    'OBX|1|NM|2345-7^Glucose^LN||-0.5|mg/dL^^UCUM||L|||C',
    'OBX|1|SN|5048-4^ANA titer^LN||^1^:^160||<1:40|H|||F',
    'OBX|1|SN|2160-0^Creatinine^LN||<^0.2|mg/dL^^UCUM||L|||F',
    'OBX|1|DT|21112-8^Birth date^LN||20240229||||||F',
    'OBX|1|TM|8339-4^Time of birth^LN||0530-0500||||||F',
    'OBX|1|DTM|57715-5^Collection time^LN||202402291345||||||F',
    'OBX|1|TS|57715-5^Collection time^LN||20240229134500^S||||||F',
    'OBX|1|CWE|57718-9^Sample quality^LN||LA12432-3^Acceptable^LN||||||F',
    'OBX|1|CE|57718-9^Sample quality^LN||^Acceptable||||||F',
    'OBX|1|ST|57716-3^State printed on filter paper card ID^LN||A1234-Z||||||F',
    'OBX|1|TX|57129-9^Summary report^LN||Normal screen; no follow-up needed.||||||F',
    'OBX|1|NM|6690-2^Leukocytes^LN||7.5~8.1|10*3/uL^^UCUM|||||F',
  ])('accepts %s', (line) => {
    expect(check(line)).toEqual([]);
  });

  it.each([
    ['OBX|1|NM|8339-4^Birth weight^LN||<2.22|g^^UCUM|||||F', 'INVALID_NUMERIC@OBX[3]-5'],
    ['OBX|1|NM|8339-4^Birth weight^LN||0 .07|g^^UCUM|||||F', 'INVALID_NUMERIC@OBX[3]-5'],
    ['OBX|1|NM|8339-4^Birth weight^LN||2100^g^LN||||||F', 'INVALID_NUMERIC@OBX[3]-5'],
    ['OBX|1|NM|6690-2^Leukocytes^LN||7.5~high|10*3/uL^^UCUM|||||F', 'INVALID_NUMERIC@OBX[3]-5[2]'],
    ['OBX|1|SN|5048-4^ANA titer^LN||1:160||||||F', 'INVALID_STRUCTURED_NUMERIC@OBX[3]-5'],
    ['OBX|1|SN|5048-4^ANA titer^LN||=>^5||||||F', 'INVALID_STRUCTURED_NUMERIC@OBX[3]-5'],
    ['OBX|1|DT|21112-8^Birth date^LN||202401160500-0500||||||F', 'INVALID_DATE_TIME@OBX[3]-5'],
    ['OBX|1|TM|8339-4^Time of birth^LN||2530||||||F', 'INVALID_DATE_TIME@OBX[3]-5'],
    ['OBX|1|DTM|57715-5^Collection time^LN||20230229||||||F', 'INVALID_DATE_TIME@OBX[3]-5'],
    ['OBX|1|TS|57715-5^Collection time^LN||yesterday||||||F', 'INVALID_DATE_TIME@OBX[3]-5'],
    ['OBX|1|CWE|57718-9^Sample quality^LN||^^LN||||||F', 'INVALID_CODED_VALUE@OBX[3]-5'],
    [
      'OBX|1|CWE|57718-9^Sample quality^LN||ACC^Acceptable||||||F',
      'CODING_SYSTEM_MISSING@OBX[3]-5',
    ],
  ])('reports %s', (line, expected) => {
    expect(check(line)).toEqual([expected]);
  });

  it('skips the HL7 explicit null, which carries no value to check', () => {
    expect(check('OBX|1|NM|6690-2^Leukocytes^LN||""|10*3/uL^^UCUM|||||D')).toEqual([]);
    expect(isAbsent('""')).toBe(true);
    expect(isAbsent('0')).toBe(false);
  });
});

describe('OBX coded fields', () => {
  it.each([
    ['OBX|1|XX|6690-2^Leukocytes^LN||7.5||||||F', 'TABLE_VALUE_NOT_FOUND@OBX[3]-2'],
    ['OBX|1|NM|6690-2^Leukocytes^LN||7.5|||Z|||F', 'TABLE_VALUE_NOT_FOUND@OBX[3]-8'],
    ['OBX|1|NM|6690-2^Leukocytes^LN||7.5|||N~Z|||F', 'TABLE_VALUE_NOT_FOUND@OBX[3]-8[2]'],
    ['OBX|1|NM|6690-2^Leukocytes^LN||7.5||||||12', 'TABLE_VALUE_NOT_FOUND@OBX[3]-11'],
    ['OBX|1|NM|6690-2^Leukocytes^LN||7.5||||||F|||Feb 4', 'INVALID_DATE_TIME@OBX[3]-14'],
    ['OBX|1|NM|^^LN||7.5||||||F', 'INVALID_CODED_VALUE@OBX[3]-3'],
    ['OBX|1|NM|WBC^White cells||7.5||||||F', 'CODING_SYSTEM_MISSING@OBX[3]-3'],
  ])('reports %s', (line, expected) => {
    expect(check(line)).toEqual([expected]);
  });

  it('accepts v2.7 interpretation codes and a flag sent as CWE', () => {
    expect(check('OBX|1|NM|6690-2^Leukocytes^LN||7.5|||HU~POS|||F')).toEqual([]);
    expect(check('OBX|1|NM|6690-2^Leukocytes^LN||7.5|||H^High^HL70078|||F')).toEqual([]);
  });
});

describe('OBX required fields', () => {
  it.each([
    ['OBX|1|NM|||7.5||||||F', 'REQUIRED_FIELD_MISSING@OBX[3]-3'],
    ['OBX|1|NM|6690-2^Leukocytes^LN||7.5', 'REQUIRED_FIELD_MISSING@OBX[3]-11'],
    ['OBX|1||6690-2^Leukocytes^LN||7.5||||||F', 'REQUIRED_FIELD_MISSING@OBX[3]-2'],
    ['OBX|1|TX|57129-9^Summary report^LN|1|||||||F', 'REQUIRED_FIELD_MISSING@OBX[3]-5'],
  ])('reports %s', (line, expected) => {
    expect(check(line)).toEqual([expected]);
  });

  it.each(['D', 'I', 'N', 'O', 'U', 'X'])('lets status %s go without a value', (status) => {
    expect(check(`OBX|1|NM|6690-2^Leukocytes^LN||||||||${status}`)).toEqual([]);
  });

  it.each(['C', 'F', 'P', 'R', 'S', 'W'])('needs a value with status %s', (status) => {
    expect(check(`OBX|1|NM|6690-2^Leukocytes^LN||||||||${status}`)).toEqual([
      'REQUIRED_FIELD_MISSING@OBX[3]-5',
    ]);
  });

  it('needs no OBX-2 when there is no value to type', () => {
    expect(check('OBX|5||62326-4^Practice name^LN||||||||O')).toEqual([]);
  });

  it('checks no required field outside ORU^R01 structure rules', () => {
    expect(check('OBX|1|NM|||abc', { requireFields: false })).toEqual(['INVALID_NUMERIC@OBX[3]-5']);
  });

  it('keeps a missing OBX-3 an error when lenient, and the rest warnings', () => {
    expect(severities('OBX|1|NM|||7.5||||||F', LENIENT_PROFILE)).toEqual({
      REQUIRED_FIELD_MISSING: 'error',
    });
    const rest = new Findings(LENIENT_PROFILE);
    const obx = parse(`${MSH}\rOBX|1|NM|6690-2^Leukocytes^LN||||||||F`).segment('OBX');
    if (obx) checkObservation(obx, 1, rest, true);
    expect(rest.issues.map((issue) => issue.severity)).toEqual(['warning']);
  });
});

describe('OBX field shift (OBX-4 left out)', () => {
  it.each([
    'OBX|1|NM|WBC^White cells|7.5|10*3/uL',
    'OBX|1|NM|6690-2^Leukocytes^LN|7.5|10*3/uL^thousand per microliter^UCUM|4.0-11.0|N||F',
    'OBX|1|NM|2345-7^Glucose^LN|-0.5|mg/dL|<100|L||F',
    'OBX|1|SN|2160-0^Creatinine^LN|<^0.2|mg/dL||L||F',
    'OBX|1|NM|718-7^Hemoglobin^LN|13.2|g/dL|||||F',
  ])('reports %s as a shift at OBX-4, not as a bad number', (line) => {
    const codes = check(line);
    expect(codes).toContain('OBX_FIELD_SHIFT@OBX[3]-4');
    expect(codes.filter((code) => code.startsWith('INVALID_'))).toEqual([]);
  });

  it('is an error when strict and a warning when lenient', () => {
    const line = 'OBX|1|NM|6690-2^Leukocytes^LN|7.5|10*3/uL||||F';
    expect(severities(line, STRICT_PROFILE).OBX_FIELD_SHIFT).toBe('error');
    expect(severities(line, LENIENT_PROFILE).OBX_FIELD_SHIFT).toBe('warning');
  });

  it.each([
    [
      'a sub-id with a bad value and units in OBX-6',
      'OBX|1|NM|8339-4^Birth weight^LN|1|NOVALUE|g^gram^UCUM|||||O',
    ],
    ['a sub-id that is not a number', 'OBX|1|NM|6690-2^Leukocytes^LN|a|mg/dL||||F'],
    ['text that reads as no unit', 'OBX|1|NM|6690-2^Leukocytes^LN|1|see comment||||F'],
  ])('does not guess a shift for %s', (_name, line) => {
    const codes = check(line);
    expect(codes).not.toContain('OBX_FIELD_SHIFT@OBX[3]-4');
    expect(codes).toContain('INVALID_NUMERIC@OBX[3]-5');
  });

  it('leaves a numeric sub-id with a valid value alone', () => {
    expect(check('OBX|12|NM|73806-2^Newborn age in hours^LN|1|341|h^^UCUM||N|||F')).toEqual([]);
  });
});

describe('OBX finding messages', () => {
  it('name locations and rules, never field contents', () => {
    const findings = new Findings(STRICT_PROFILE);
    const line =
      'OBX|1|NM|SECRETCODE^SECRET TEXT|SECRET4|SECRETVAL|||SECRETFLAG|||SECRETSTATUS|||SECRETDATE';
    const obx = parse(`${MSH}\r${line}`).segment('OBX');
    if (obx) checkObservation(obx, 2, findings, true);

    expect(findings.issues.length).toBeGreaterThan(2);
    for (const issue of findings.issues) {
      expect(issue.message).not.toMatch(/SECRET/);
      expect(issue.message).toContain('OBX[2]');
    }
  });
});
