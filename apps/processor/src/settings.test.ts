import { profileFor } from '@hl7gw/hl7-core';
import { ConfigError } from '@hl7gw/platform';
import { describe, expect, it } from 'vitest';

import { parseProcessorSettings, PROCESSOR_DEFAULTS } from './settings.js';

describe('parseProcessorSettings', () => {
  it('validates every sender leniently unless listed as strict', () => {
    const settings = parseProcessorSettings({ HL7GW_STRICT_SENDERS: ' FAC1, FAC2 ' });

    expect(profileFor('FAC1', settings.senderProfiles).name).toBe('strict');
    expect(profileFor('FAC2', settings.senderProfiles).name).toBe('strict');
    expect(profileFor('OTHER', settings.senderProfiles).name).toBe('lenient');
    expect(settings.statusWaitMs).toBe(PROCESSOR_DEFAULTS.statusWaitMs);
  });

  it('reads the status wait', () => {
    expect(parseProcessorSettings({ HL7GW_STATUS_WAIT_MS: '0' }).statusWaitMs).toBe(0);
  });

  it.each([
    ['HL7GW_STRICT_SENDERS', 'FAC1,,FAC2'],
    ['HL7GW_STRICT_SENDERS', 'FAC|1'],
    ['HL7GW_STATUS_WAIT_MS', '-1'],
    ['HL7GW_STATUS_WAIT_MS', 'soon'],
  ])('refuses %s=%s naming the setting', (setting, value) => {
    const attempt = () => parseProcessorSettings({ [setting]: value });

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(setting);
  });
});
