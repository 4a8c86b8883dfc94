import { describe, expect, it } from 'vitest';

import { DEADLETTER_DEFAULTS, parseDeadletterSettings } from './settings.js';

describe('parseDeadletterSettings', () => {
  it('uses the named defaults', () => {
    expect(parseDeadletterSettings({})).toEqual({
      maxReplays: DEADLETTER_DEFAULTS.maxReplays,
      resultSubscriptions: ['integrators', 'abnormal'],
    });
  });

  it('reads every setting', () => {
    const settings = parseDeadletterSettings({
      HL7GW_MAX_REPLAYS: '0',
      HL7GW_RESULT_SUBSCRIPTIONS: ' ehr , hie.wales ',
      HL7GW_DEV_API_KEY: 'key',
    });
    expect(settings).toEqual({
      maxReplays: 0,
      resultSubscriptions: ['ehr', 'hie.wales'],
      devApiKey: 'key',
    });
  });

  it.each([
    ['HL7GW_MAX_REPLAYS', '-1'],
    ['HL7GW_MAX_REPLAYS', '2.5'],
    ['HL7GW_MAX_REPLAYS', '101'],
    ['HL7GW_RESULT_SUBSCRIPTIONS', 'ehr,,hie'],
    ['HL7GW_RESULT_SUBSCRIPTIONS', 'ehr/$deadletterqueue'],
  ])('fails fast naming %s for %j', (setting, value) => {
    expect(() => parseDeadletterSettings({ [setting]: value })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', setting }),
    );
  });
});
