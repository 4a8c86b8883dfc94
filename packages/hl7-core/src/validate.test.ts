import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Hl7Message } from './message.js';
import { parse, splitLines } from './parse.js';
import { defineProfile } from './profiles.js';
import { validate, type ValidateOptions } from './validate.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));

const MSH = 'MSH|^~\\&|LIS^2.16.840.1.113883.3.0001^ISO|County Lab^05D0000001^CLIA|GW|PHL|';
const HEADER = `${MSH}20240506052913-0500||ORU^R01^ORU_R01|MSG-0001|P|2.5.1`;

/** A complete de-identified ORU^R01 that every rule accepts. */
const ORU = [
  HEADER,
  'SFT|Acme Lab Systems^L|4.2|AcmeLIS|4201',
  'PID|1||PAT-0001^^^County Lab^MR||DOE^JANE^Q||19800101|F',
  'PV1|1|O|LAB^^^County Lab',
  'ORC|RE|ORD-1^LIS|FIL-1^LIS',
  'OBR|1|ORD-1^LIS|FIL-1^LIS|57021-8^CBC W Auto Differential panel - Blood^LN|||20240506050000-0500',
  'OBX|1|NM|6690-2^Leukocytes [#/volume] in Blood^LN||7.5|10*3/uL^^UCUM|4.0-11.0|N|||F|||20240506050000-0500',
  'NTE|1|L|Specimen slightly hemolyzed',
  'OBX|2|SN|5048-4^ANA titer^LN||^1^:^160||<1:40|H|||F',
  'OBX|3|CWE|57718-9^Sample quality^LN||LA12432-3^Acceptable^LN||||||F',
  'SPM|1|SPEC-1||119297000^Blood specimen^SCT',
];

function message(lines: readonly string[]): Hl7Message {
  return parse(lines.join('\r'));
}

/** `code@location:severity` for each finding, the form the tables below expect. */
function findings(lines: readonly string[], options?: ValidateOptions): string[] {
  return validate(message(lines), options).issues.map(
    (issue) => `${issue.code}@${issue.location}:${issue.severity}`,
  );
}

/** The test message with its header replaced. */
function withHeader(header: string): string[] {
  return [header, ...ORU.slice(1)];
}

describe('validate: a well-formed ORU^R01', () => {
  it('has no findings under either profile', () => {
    for (const profile of ['strict', 'lenient'] as const) {
      expect(validate(message(ORU), { profile })).toEqual({ valid: true, issues: [] });
    }
  });

  it('uses the strict profile by default', () => {
    const lines = withHeader(`${MSH}20240506052913-0500||ORU^R01|MSG-0001|N|2.5.1`);
    expect(findings(lines)).toEqual(['TABLE_VALUE_NOT_FOUND@MSH-11.1:error']);
  });
});

describe('validate: header rules (MSH)', () => {
  it.each([
    ['MSH|^~\\&||County Lab|GW|PHL|20240506||ORU^R01|M1|P|2.5.1', 'REQUIRED_FIELD_MISSING@MSH-3'],
    ['MSH|^~\\&|LIS||GW|PHL|20240506||ORU^R01|M1|P|2.5.1', 'REQUIRED_FIELD_MISSING@MSH-4'],
    [
      'MSH|^~\\&|LIS|County Lab|GW||20240506||ORU^R01|M1|P|2.5.1',
      'RECOMMENDED_FIELD_MISSING@MSH-6',
    ],
    ['MSH|^~\\&|LIS|County Lab|GW|PHL|||ORU^R01|M1|P|2.5.1', 'REQUIRED_FIELD_MISSING@MSH-7'],
    ['MSH|^~\\&|LIS|County Lab|GW|PHL|20240231||ORU^R01|M1|P|2.5.1', 'INVALID_DATE_TIME@MSH-7'],
    ['MSH|^~\\&|LIS|County Lab|GW|PHL|20240506||ORU^R01||P|2.5.1', 'REQUIRED_FIELD_MISSING@MSH-10'],
    [
      'MSH|^~\\&|LIS|County Lab|GW|PHL|20240506||ORU^R01|M1||2.5.1',
      'REQUIRED_FIELD_MISSING@MSH-11',
    ],
    [
      'MSH|^~\\&|LIS|County Lab|GW|PHL|20240506||ORU^R01|M1|X|2.5.1',
      'TABLE_VALUE_NOT_FOUND@MSH-11.1',
    ],
    ['MSH|^~\\&|LIS|County Lab|GW|PHL|20240506||ORU^R01|M1|P', 'REQUIRED_FIELD_MISSING@MSH-12'],
    ['MSH|^~\\&|LIS|County Lab|GW|PHL|20240506||ORU^R01|M1|P|2.9', 'UNSUPPORTED_VERSION@MSH-12'],
    ['MSH|^~\\&|LIS|County Lab|GW|PHL|20240506||ORU^R01|M1|P|3.0', 'UNSUPPORTED_VERSION@MSH-12'],
    ['MSH|^~\\&|LIS|County Lab|GW|PHL|20240506||ORU^R01|M1|P|2.3.1', 'LEGACY_VERSION@MSH-12'],
  ])('%s → %s', (header, expected) => {
    const codes = findings(withHeader(header)).map((finding) => finding.split(':')[0]);
    expect(codes).toEqual([expected]);
  });

  it.each([
    ['', 'MSH-9'],
    ['^R01', 'MSH-9.1'],
    ['ORU', 'MSH-9.2'],
  ])('reports MSH-9 %j as missing at %s, an error even when lenient', (type, location) => {
    const lines = [`${MSH}20240506||${type}|M1|P|2.5.1`];
    expect(findings(lines, { profile: 'lenient' })).toContain(
      `REQUIRED_FIELD_MISSING@${location}:error`,
    );
  });

  it('keeps a missing MSH-10 an error when lenient, and a missing MSH-3 a warning', () => {
    const lines = withHeader('MSH|^~\\&||County Lab|GW|PHL|20240506||ORU^R01||P|2.5.1');
    expect(findings(lines, { profile: 'lenient' })).toEqual([
      'REQUIRED_FIELD_MISSING@MSH-3:warning',
      'REQUIRED_FIELD_MISSING@MSH-10:error',
    ]);
  });

  it('accepts every version from 2.1 to 2.8', () => {
    for (const version of ['2.1', '2.2', '2.4', '2.5', '2.5.1', '2.6', '2.7', '2.7.1', '2.8']) {
      const header = `${MSH}20240506||ORU^R01|M1|P|${version}`;
      const codes = findings(withHeader(header), { profile: 'lenient' });
      expect(codes.filter((code) => code.startsWith('UNSUPPORTED'))).toEqual([]);
    }
  });

  it('rejects message types outside a profile that lists the accepted ones', () => {
    const resultsOnly = defineProfile('lenient', { name: 'results', messageTypes: ['ORU^R01'] });
    const adt = [`${MSH}20240506||ADT^A01^ADT_A01|M1|P|2.5.1`, 'EVN|A01|20240506'];

    expect(findings(adt, { profile: resultsOnly })).toEqual([
      'UNSUPPORTED_MESSAGE_TYPE@MSH-9:error',
    ]);
    expect(findings(ORU, { profile: resultsOnly })).toEqual([]);
    expect(findings(adt, { profile: 'lenient' })).toEqual([]);
  });
});

describe('validate: patient and order rules', () => {
  it.each([
    ['PID|1||||DOE^JANE||19800101|F', 'REQUIRED_FIELD_MISSING@PID-3:error'],
    ['PID|1||PAT-0001^^^County Lab^MR||DOE^JANE||DOB|F', 'INVALID_DATE_TIME@PID-7:warning'],
    [
      'PID|1||PAT-0001^^^County Lab^MR||DOE^JANE||19800101|SEX',
      'TABLE_VALUE_NOT_FOUND@PID-8:warning',
    ],
  ])('reports %s as %s when lenient', (pid, expected) => {
    const lines = ORU.map((line) => (line.startsWith('PID') ? pid : line));
    expect(findings(lines, { profile: 'lenient' })).toEqual([expected]);
  });

  it('reads PID-8 sent as a CWE by its code', () => {
    const pid = 'PID|1||PAT-0001^^^County Lab^MR||DOE^JANE||19800101|F^Female^HL70001';
    const lines = ORU.map((line) => (line.startsWith('PID') ? pid : line));
    expect(findings(lines)).toEqual([]);
  });

  it.each([
    ['OBR|1|ORD-1|FIL-1||||20240506050000', 'REQUIRED_FIELD_MISSING@OBR-4:warning'],
    ['OBR|1|ORD-1|FIL-1|57021-8^CBC^LN|||February 4 2024', 'INVALID_DATE_TIME@OBR-7:warning'],
    ['OBR|1|ORD-1|FIL-1|CBC^Blood count|||20240506', 'CODING_SYSTEM_MISSING@OBR-4:info'],
  ])('reports %s as %s when lenient', (obr, expected) => {
    const lines = ORU.map((line) => (line.startsWith('OBR') ? obr : line));
    expect(findings(lines, { profile: 'lenient' })).toEqual([expected]);
  });

  it('locates findings in repeated segments by occurrence', () => {
    const lines = [
      ...ORU,
      'OBR|2|ORD-2|FIL-2||||20240506',
      'OBX|1|NM|2345-7^Glucose^LN||high||||||F',
    ];
    expect(findings(lines)).toEqual([
      'REQUIRED_FIELD_MISSING@OBR[2]-4:error',
      'INVALID_NUMERIC@OBX[4]-5:error',
    ]);
  });
});

describe('validate: message types other than ORU^R01', () => {
  it('checks only the header, data types and tables, not structure or required fields', () => {
    const order = [
      `${MSH}20240506||ORM^O01^ORM_O01|M1|P|2.5.1`,
      'PID|1||||DOE^JANE||19800101|X',
      'ORC|NW|ORD-1',
      'OBX|1|NM|||abc',
    ];
    expect(findings(order)).toEqual([
      'TABLE_VALUE_NOT_FOUND@PID-8:error',
      'INVALID_NUMERIC@OBX-5:error',
    ]);
  });
});

describe('validate: the field shift of senders that leave OBX-4 out', () => {
  const shifted = [...ORU.slice(0, 6), 'OBX|1|NM|WBC^White cells|7.5|10*3/uL'];

  it('reports OBX_FIELD_SHIFT at OBX-4 instead of a bad number at OBX-5', () => {
    const codes = findings(shifted, { profile: 'lenient' });
    expect(codes).toContain('OBX_FIELD_SHIFT@OBX-4:warning');
    expect(codes.some((code) => code.startsWith('INVALID_NUMERIC'))).toBe(false);
    expect(findings(shifted)).toContain('OBX_FIELD_SHIFT@OBX-4:error');
  });
});

describe('validate: parser repairs', () => {
  const wrapped = [
    ...ORU.slice(0, 6),
    'OBX|1|TX|57129-9^Summary^LN||first half\nsecond half||||||F',
  ];

  it('reports each repair, a warning when lenient and an error when strict', () => {
    const text = wrapped.join('\r');
    expect(parse(text).repairs.length).toBe(1);

    const lenient = validate(parse(text), { profile: 'lenient' });
    expect(lenient.valid).toBe(true);
    expect(lenient.issues).toEqual([
      expect.objectContaining({ code: 'PARSER_REPAIR', severity: 'warning', condition: '100' }),
    ]);
    expect(lenient.issues[0]?.location).toMatch(/^line \d+$/);

    const strict = validate(parse(text), { profile: 'strict' });
    expect(strict.valid).toBe(false);
    expect(strict.issues[0]?.severity).toBe('error');
  });
});

describe('validate: findings never quote field contents', () => {
  it('builds every message from the rule and the location', () => {
    const lines = [
      'MSH|^~\\&|LIS|County Lab|GW||SECRET-DATE||ORU^R01|SECRET-ID|SECRET-P|SECRET-V',
      'PID|1||||SECRETNAME^JANE||SECRET-DOB|SECRET-SEX',
      'OBR|1|ORD-1||SECRETCODE^SECRET TEST|||SECRET-OBR7',
      'OBX|1|NM|SECRETCODE^SECRET|SECRET-4|SECRET-VALUE|||SECRET-FLAG|||SECRET-STATUS|||SECRET-14',
      'ZZZ|SECRET',
      'EVN|SECRET',
    ];
    const issues = validate(message(lines)).issues;

    expect(issues.length).toBeGreaterThan(8);
    for (const issue of issues) expect(issue.message).not.toMatch(/SECRET/);
  });
});

describe('validate: the corpus', () => {
  const files = corpusFiles();
  const results = files.flatMap((file) =>
    corpusMessages(file)
      .filter((m) => m.messageType === 'ORU^R01')
      .map((m) => [relative(CORPUS, file), m] as const),
  );

  it('finds the ORU^R01 messages of the corpus, batch members included', () => {
    expect(results.length).toBeGreaterThanOrEqual(60);
  });

  it.each(results)('accepts %s under the lenient profile', (_file, m) => {
    const errors = validate(m, { profile: 'lenient' }).issues.filter(
      (issue) => issue.severity === 'error',
    );
    expect(errors).toEqual([]);
  });

  it.each([
    ['msh_present_but_missing_msh-9.hl7', 'REQUIRED_FIELD_MISSING@MSH-9', 'error', 'error'],
    ['msh_present_but_missing_msh-10.hl7', 'REQUIRED_FIELD_MISSING@MSH-10', 'error', 'error'],
    ['msh_present_but_missing_msh-6.hl7', 'RECOMMENDED_FIELD_MISSING@MSH-6', 'warning', 'warning'],
    ['msh-12_has_value_2_3.hl7', 'LEGACY_VERSION@MSH-12', 'warning', 'info'],
    ['orm_obx-5_is_not_a_numeric_value.hl7', 'INVALID_NUMERIC@OBX-5', 'error', 'warning'],
  ])('reports the defect of Test/Message/%s', (file, finding, strict, lenient) => {
    const m = parse(readFileSync(join(CORPUS, 'cdc-trusted-intermediary/Test/Message', file)));
    const found = (profile: 'strict' | 'lenient'): string[] =>
      validate(m, { profile }).issues.map((i) => `${i.code}@${i.location}:${i.severity}`);

    expect(found('strict')).toEqual([`${finding}:${strict}`]);
    expect(found('lenient')).toEqual([`${finding}:${lenient}`]);
  });
});

function corpusFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'malformed' ? [] : walk(path);
      return entry.name.endsWith('.hl7') ? [path] : [];
    });
  return walk(CORPUS).sort();
}

/** The messages of a corpus file: the file itself, or each member of a batch file. */
function corpusMessages(file: string): Hl7Message[] {
  const lines = splitLines(readFileSync(file, 'utf8'));
  if (!/^(FHS|BHS)/.test(lines[0] ?? '')) return [parse(readFileSync(file))];

  const members: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('MSH')) members.push([line]);
    else if (/^(FHS|BHS|BTS|FTS)/.test(line)) continue;
    else members.at(-1)?.push(line);
  }
  return members.map((member) => parse(member.join('\r')));
}
