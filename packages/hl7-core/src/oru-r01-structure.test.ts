import { describe, expect, it } from 'vitest';
import { Findings } from './findings.js';
import { checkOruR01Structure } from './oru-r01-structure.js';
import { parse } from './parse.js';
import { STRICT_PROFILE } from './profiles.js';

/** Realistic de-identified lines for each segment the structure knows, keyed by name. */
const LINES: Record<string, string> = {
  SFT: 'SFT|Acme Lab Systems^L|4.2|AcmeLIS|4201',
  PID: 'PID|1||PAT-0001^^^County Lab^MR||DOE^JANE||19800101|F',
  PD1: 'PD1|||County Clinic^^1234',
  NK1: 'NK1|1|DOE^JOHN|SPO^Spouse^HL70063',
  PV1: 'PV1|1|O|LAB^^^County Lab',
  PV2: 'PV2|||^Routine check',
  NTE: 'NTE|1|L|Specimen slightly hemolyzed',
  ORC: 'ORC|RE|ORD-1|FIL-1',
  OBR: 'OBR|1|ORD-1|FIL-1|57021-8^CBC panel - Blood^LN|||20240506050000',
  TQ1: 'TQ1|1||||||20240506050000',
  TQ2: 'TQ2|1',
  CTD: 'CTD|PH^Physician^HL70131',
  OBX: 'OBX|1|NM|6690-2^Leukocytes^LN||7.5|10*3/uL^^UCUM|4.0-11.0|N|||F',
  FT1: 'FT1|1',
  CTI: 'CTI|STUDY-1',
  SPM: 'SPM|1|SPEC-1||119297000^Blood specimen^SCT',
  DSC: 'DSC|CONT-1',
  ZLR: 'ZLR|local extension',
  EVN: 'EVN|A01|20240506050000',
  MSH: 'MSH|^~\\&|LIS|County Lab|GW|PHL|20240506052913||ORU^R01^ORU_R01|MSG-2|P|2.5.1',
};

function check(names: string): { code: string; location: string }[] {
  const lines = [
    'MSH|^~\\&|LIS|County Lab|GW|PHL|20240506052913||ORU^R01^ORU_R01|MSG-1|P|2.5.1',
    ...names.split(' ').map((name) => LINES[name] ?? `${name}|1`),
  ];
  const findings = new Findings(STRICT_PROFILE);
  checkOruR01Structure(parse(lines.join('\r')), findings);
  return findings.issues.map(({ code, location }) => ({ code, location }));
}

describe('ORU^R01 structure', () => {
  it.each([
    'PID OBR OBX',
    'PID ORC OBR OBX',
    'SFT SFT PID PD1 NTE NK1 NK1 PV1 PV2 ORC OBR NTE TQ1 TQ2 CTD OBX NTE NTE FT1 CTI SPM OBX OBX DSC',
    'PID NK1 ORC OBR OBR OBX OBX OBR OBX',
    'PID ORC OBR OBX SPM ORC OBR OBX SPM',
    'PID OBR NTE NTE NTE OBX OBX OBX NTE SPM OBR OBX',
    'PID OBR OBX PID OBR OBX',
    'PID OBR SPM SPM OBX',
    'PID OBR',
    'PID ZLR OBR ZLR OBX ZLR',
  ])('accepts %s', (names) => {
    expect(check(names)).toEqual([]);
  });

  it.each([
    ['OBR OBX', [{ code: 'REQUIRED_SEGMENT_MISSING', location: 'PID' }]],
    ['PID NK1', [{ code: 'REQUIRED_SEGMENT_MISSING', location: 'OBR' }]],
    [
      'NK1',
      [
        { code: 'SEGMENT_OUT_OF_ORDER', location: 'NK1' },
        { code: 'REQUIRED_SEGMENT_MISSING', location: 'PID' },
        { code: 'REQUIRED_SEGMENT_MISSING', location: 'OBR' },
      ],
    ],
    ['PID NK1 PID OBR OBX', [{ code: 'REQUIRED_SEGMENT_MISSING', location: 'OBR' }]],
    ['PID OBR OBX ORC', [{ code: 'REQUIRED_SEGMENT_MISSING', location: 'OBR' }]],
    ['PID OBX OBR OBX', [{ code: 'SEGMENT_OUT_OF_ORDER', location: 'OBX' }]],
    ['PID OBR OBX NK1 OBX', [{ code: 'SEGMENT_OUT_OF_ORDER', location: 'NK1' }]],
    ['PID OBR OBX PV2', [{ code: 'SEGMENT_OUT_OF_ORDER', location: 'PV2' }]],
    ['PID OBR OBX TQ1', [{ code: 'SEGMENT_OUT_OF_ORDER', location: 'TQ1' }]],
    ['PID OBR SPM NTE', [{ code: 'SEGMENT_OUT_OF_ORDER', location: 'NTE' }]],
    ['PID ORC ORC OBR OBX', [{ code: 'SEGMENT_OUT_OF_ORDER', location: 'ORC[2]' }]],
    ['PID OBR OBX DSC OBX', [{ code: 'SEGMENT_OUT_OF_ORDER', location: 'OBX[2]' }]],
    ['PID OBR OBX MSH', [{ code: 'SEGMENT_OUT_OF_ORDER', location: 'MSH[2]' }]],
    ['PID OBR OBX EVN', [{ code: 'UNEXPECTED_SEGMENT', location: 'EVN' }]],
    ['PID SFT OBR OBX', [{ code: 'SEGMENT_OUT_OF_ORDER', location: 'SFT' }]],
  ])('reports %s', (names, expected) => {
    expect(check(names)).toEqual(expected);
  });

  it('reports one missing PID however many orders come before any patient', () => {
    expect(check('OBR OBX OBR OBX')).toEqual([
      { code: 'REQUIRED_SEGMENT_MISSING', location: 'PID' },
    ]);
  });

  it('names locations only, never segment contents', () => {
    const findings = new Findings(STRICT_PROFILE);
    const text = [
      'MSH|^~\\&|LIS|County Lab|GW|PHL|20240506052913||ORU^R01|MSG-1|P|2.5.1',
      'PID|1||PAT-0001^^^County Lab^MR||DOE^JANE||19800101|F',
      'NK1|1|SECRETNAME^JOHN',
      'OBX|1|ST|X^Y^LN||SECRETVALUE||||||F',
      'OBR|1|ORD-1||57021-8^CBC^LN',
    ].join('\r');
    checkOruR01Structure(parse(text), findings);

    expect(findings.issues.length).toBeGreaterThan(0);
    for (const issue of findings.issues) expect(issue.message).not.toMatch(/SECRET|DOE|PAT-0001/);
  });
});
