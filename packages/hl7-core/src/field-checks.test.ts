import { describe, expect, it } from 'vitest';
import {
  checkCodedField,
  checkCodedRepetition,
  checkDateTimeField,
  isAbsent,
  missing,
} from './field-checks.js';
import { Findings } from './findings.js';
import { parse } from './parse.js';
import { LENIENT_PROFILE, STRICT_PROFILE } from './profiles.js';
import type { Hl7Segment } from './segment.js';

const MSH = 'MSH|^~\\&|LIS|County Lab|GW|PHL|20240506052913||ORU^R01|MSG-1|P|2.5.1';

function obr(line: string): Hl7Segment {
  const segment = parse(`${MSH}\r${line}`).segment('OBR');
  if (!segment) throw new Error('test line is not an OBR');
  return segment;
}

function codes(findings: Findings): string[] {
  return findings.issues.map((issue) => `${issue.code}@${issue.location}`);
}

describe('isAbsent', () => {
  it.each([
    ['', true],
    ['""', true],
    ['0', false],
    [' ', false],
    ['"x"', false],
  ])('%j → %s', (text, expected) => {
    expect(isAbsent(text)).toBe(expected);
  });
});

describe('missing', () => {
  it('records REQUIRED_FIELD_MISSING, an error for essential fields even when lenient', () => {
    const findings = new Findings(LENIENT_PROFILE);
    missing(findings, 'PID[2]-3', 'PID-3');
    missing(findings, 'OBR[2]-4', 'OBR-4');

    expect(findings.issues.map((issue) => [issue.location, issue.severity])).toEqual([
      ['PID[2]-3', 'error'],
      ['OBR[2]-4', 'warning'],
    ]);
    expect(findings.issues[0]?.message).toBe('PID[2]-3 is required and empty.');
  });
});

describe('checkDateTimeField', () => {
  it.each([
    ['OBR|1|ORD-1||57021-8^CBC^LN|||20240506050000-0500', []],
    ['OBR|1|ORD-1||57021-8^CBC^LN|||20240506050000^S', []],
    ['OBR|1|ORD-1||57021-8^CBC^LN|||""', []],
    ['OBR|1|ORD-1||57021-8^CBC^LN', []],
    ['OBR|1|ORD-1||57021-8^CBC^LN|||20240532', ['INVALID_DATE_TIME@OBR-7']],
    ['OBR|1|ORD-1||57021-8^CBC^LN|||2024-05-06T05:00', ['INVALID_DATE_TIME@OBR-7']],
  ])('%s → %j', (line, expected) => {
    const findings = new Findings(STRICT_PROFILE);
    checkDateTimeField(obr(line), 7, 'OBR-7', findings);
    expect(codes(findings)).toEqual(expected);
  });
});

describe('checkCodedField', () => {
  it.each([
    ['OBR|1|ORD-1||57021-8^CBC panel^LN', []],
    ['OBR|1|ORD-1||^CBC panel', []],
    ['OBR|1|ORD-1||', []],
    ['OBR|1|ORD-1||^^LN', ['INVALID_CODED_VALUE@OBR-4']],
    ['OBR|1|ORD-1||CBC^CBC panel', ['CODING_SYSTEM_MISSING@OBR-4']],
    ['OBR|1|ORD-1||57021-8^CBC panel^LN^CBC^Local CBC', ['CODING_SYSTEM_MISSING@OBR-4']],
  ])('%s → %j', (line, expected) => {
    const findings = new Findings(STRICT_PROFILE);
    checkCodedField(obr(line), 4, 'OBR-4', findings);
    expect(codes(findings)).toEqual(expected);
  });

  it('checks a later repetition on its own', () => {
    const findings = new Findings(STRICT_PROFILE);
    const segment = obr('OBR|1|ORD-1||57021-8^CBC^LN~LOCAL^Local CBC');
    checkCodedRepetition(segment, 4, 1, 'OBR-4', findings);
    checkCodedRepetition(segment, 4, 2, 'OBR-4[2]', findings);
    expect(codes(findings)).toEqual(['CODING_SYSTEM_MISSING@OBR-4[2]']);
  });
});

describe('a location given as a function', () => {
  it('is written only when a finding is recorded', () => {
    const findings = new Findings(STRICT_PROFILE);
    const written: string[] = [];
    const at = (location: string) => (): string => {
      written.push(location);
      return location;
    };
    checkCodedField(obr('OBR|1|ORD-1||57021-8^CBC panel^LN'), 4, at('OBR-4'), findings);
    checkDateTimeField(obr('OBR|1|ORD-1||57021-8^CBC^LN|||20240532'), 7, at('OBR-7'), findings);
    checkCodedRepetition(obr('OBR|1|ORD-1||CBC^CBC panel'), 4, 1, at('OBR[2]-4'), findings);

    expect(written).toEqual(['OBR-7', 'OBR[2]-4']);
    expect(codes(findings)).toEqual(['INVALID_DATE_TIME@OBR-7', 'CODING_SYSTEM_MISSING@OBR[2]-4']);
  });
});
