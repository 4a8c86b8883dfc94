import { describe, expect, it } from 'vitest';
import { Findings } from './findings.js';
import { LENIENT_PROFILE, STRICT_PROFILE } from './profiles.js';

describe('Findings', () => {
  it('gives each finding its profile severity and its table 0357 condition', () => {
    const findings = new Findings(LENIENT_PROFILE);
    findings.add('INVALID_NUMERIC', 'OBX[2]-5', 'OBX[2]-5 is not a valid NM value.');
    findings.add('TABLE_VALUE_NOT_FOUND', 'PID-8', 'PID-8 is not a sex in table 0001.');

    expect(findings.issues).toEqual([
      {
        code: 'INVALID_NUMERIC',
        severity: 'warning',
        location: 'OBX[2]-5',
        message: 'OBX[2]-5 is not a valid NM value.',
        condition: '102',
      },
      {
        code: 'TABLE_VALUE_NOT_FOUND',
        severity: 'warning',
        location: 'PID-8',
        message: 'PID-8 is not a sex in table 0001.',
        condition: '103',
      },
    ]);
  });

  it('keeps a missing essential field an error even where the profile says warning', () => {
    const findings = new Findings(LENIENT_PROFILE);
    findings.add('REQUIRED_FIELD_MISSING', 'OBX[4]-3', 'OBX[4]-3 is required and empty.', 'OBX-3');
    findings.add(
      'REQUIRED_FIELD_MISSING',
      'OBX[4]-11',
      'OBX[4]-11 is required and empty.',
      'OBX-11',
    );

    expect(findings.issues.map((issue) => issue.severity)).toEqual(['error', 'warning']);
  });

  it('applies essential fields to REQUIRED_FIELD_MISSING only', () => {
    const findings = new Findings(LENIENT_PROFILE);
    findings.add('INVALID_CODED_VALUE', 'OBX-3', 'OBX-3 has neither a code nor a text.', 'OBX-3');

    expect(findings.issues[0]?.severity).toBe('warning');
  });

  it('starts empty', () => {
    expect(new Findings(STRICT_PROFILE).issues).toEqual([]);
  });
});
