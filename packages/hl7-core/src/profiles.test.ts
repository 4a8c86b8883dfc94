import { describe, expect, it } from 'vitest';
import {
  defineProfile,
  LENIENT_PROFILE,
  profileFor,
  resolveProfile,
  STRICT_PROFILE,
  type SenderProfiles,
} from './profiles.js';
import { VALIDATION_CODES } from './validation-codes.js';

describe('built-in profiles', () => {
  it('give every code a severity', () => {
    for (const code of VALIDATION_CODES) {
      expect(['error', 'warning', 'info']).toContain(STRICT_PROFILE.severities[code]);
      expect(['error', 'warning', 'info']).toContain(LENIENT_PROFILE.severities[code]);
    }
  });

  it.each([
    ['INVALID_NUMERIC', 'error', 'warning'],
    ['TABLE_VALUE_NOT_FOUND', 'error', 'warning'],
    ['OBX_FIELD_SHIFT', 'error', 'warning'],
    ['PARSER_REPAIR', 'error', 'warning'],
    ['REQUIRED_FIELD_MISSING', 'error', 'warning'],
    ['REQUIRED_SEGMENT_MISSING', 'error', 'error'],
    ['UNSUPPORTED_VERSION', 'error', 'error'],
    ['UNSUPPORTED_MESSAGE_TYPE', 'error', 'error'],
    ['CODING_SYSTEM_MISSING', 'warning', 'info'],
    ['LEGACY_VERSION', 'warning', 'info'],
  ] as const)('rate %s as %s when strict and %s when lenient', (code, strict, lenient) => {
    expect(STRICT_PROFILE.severities[code]).toBe(strict);
    expect(LENIENT_PROFILE.severities[code]).toBe(lenient);
  });

  it('keep the fields a result cannot do without essential', () => {
    for (const field of ['MSH-9', 'MSH-10', 'PID-3', 'OBX-3']) {
      expect(LENIENT_PROFILE.essentialFields.has(field)).toBe(true);
    }
    expect(LENIENT_PROFILE.essentialFields.has('OBX-5')).toBe(false);
  });
});

describe('resolveProfile', () => {
  it('defaults to strict and resolves names', () => {
    expect(resolveProfile()).toBe(STRICT_PROFILE);
    expect(resolveProfile('strict')).toBe(STRICT_PROFILE);
    expect(resolveProfile('lenient')).toBe(LENIENT_PROFILE);
  });

  it('returns a profile object as given', () => {
    const own = defineProfile('lenient', { name: 'own' });
    expect(resolveProfile(own)).toBe(own);
  });
});

describe('defineProfile', () => {
  it('overrides only the severities it names', () => {
    const profile = defineProfile('lenient', {
      name: 'lenient:NBS-LAB',
      severities: { INVALID_DATE_TIME: 'info', OBX_FIELD_SHIFT: 'error' },
    });

    expect(profile.name).toBe('lenient:NBS-LAB');
    expect(profile.severities.INVALID_DATE_TIME).toBe('info');
    expect(profile.severities.OBX_FIELD_SHIFT).toBe('error');
    expect(profile.severities.INVALID_NUMERIC).toBe('warning');
    expect(profile.essentialFields).toEqual(LENIENT_PROFILE.essentialFields);
    expect(LENIENT_PROFILE.severities.INVALID_DATE_TIME).toBe('warning');
  });

  it('replaces essential fields and accepted message types when given', () => {
    const profile = defineProfile('strict', {
      name: 'results-only',
      essentialFields: ['MSH-10'],
      messageTypes: ['ORU^R01'],
    });

    expect([...profile.essentialFields]).toEqual(['MSH-10']);
    expect(profile.messageTypes).toEqual(['ORU^R01']);
    expect(STRICT_PROFILE.messageTypes).toBeUndefined();
  });
});

describe('profileFor', () => {
  const config: SenderProfiles = {
    default: 'strict',
    bySendingFacility: {
      'County Lab': 'lenient',
      'NBS Lab': defineProfile('lenient', { name: 'nbs', severities: { LEGACY_VERSION: 'error' } }),
    },
  };

  it('picks the profile configured for the sending facility', () => {
    expect(profileFor('County Lab', config)).toBe(LENIENT_PROFILE);
    expect(profileFor('NBS Lab', config).name).toBe('nbs');
  });

  it('falls back to the default for facilities not listed', () => {
    expect(profileFor('Other Lab', config)).toBe(STRICT_PROFILE);
    expect(profileFor('', config)).toBe(STRICT_PROFILE);
    expect(profileFor('Other Lab', { default: 'lenient' })).toBe(LENIENT_PROFILE);
  });

  it('does not mistake Object prototype names for configured facilities', () => {
    expect(profileFor('constructor', config)).toBe(STRICT_PROFILE);
    expect(profileFor('toString', config)).toBe(STRICT_PROFILE);
  });
});
