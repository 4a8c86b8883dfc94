import { describe, expect, it } from 'vitest';

import { DESTINATION_DEFAULTS, parseDestinations, subscriptionRule } from './destinations.js';

const secret = 's'.repeat(40);
const env = (destinations: unknown, extra: Record<string, string> = {}) => ({
  HL7GW_DESTINATIONS: JSON.stringify(destinations),
  WEBHOOK_SECRET: secret,
  ...extra,
});

describe('parseDestinations', () => {
  it('reads each kind with defaults, and reads secrets from the named setting', () => {
    const destinations = parseDestinations(
      env([
        {
          name: 'ehr',
          kind: 'fhir',
          url: 'https://ehr.example.org/fhir',
          filter: "resultStatus = 'F'",
        },
        { name: 'hie', kind: 'mllp', url: 'mllps://hie.example.net:2575', message: 'rebuilt' },
        {
          name: 'notify',
          kind: 'webhook',
          url: 'https://n.example.org/hook',
          secretSetting: 'WEBHOOK_SECRET',
          subscription: 'notify-abnormal',
          maxAttempts: 3,
        },
      ]),
    );

    expect(destinations.map((d) => [d.name, d.kind, d.subscription])).toEqual([
      ['ehr', 'fhir', 'ehr'],
      ['hie', 'mllp', 'hie'],
      ['notify', 'webhook', 'notify-abnormal'],
    ]);
    expect(destinations[0]).toMatchObject({
      timeoutMs: DESTINATION_DEFAULTS.timeoutMs,
      maxAttempts: DESTINATION_DEFAULTS.maxAttempts,
      filter: "resultStatus = 'F'",
      message: 'original',
    });
    expect(destinations[1]?.message).toBe('rebuilt');
    expect(destinations[2]).toMatchObject({ secret, maxAttempts: 3 });
  });

  it('means no destinations when the setting is absent or empty', () => {
    expect(parseDestinations({})).toEqual([]);
    expect(parseDestinations({ HL7GW_DESTINATIONS: ' ' })).toEqual([]);
  });

  it.each([
    ['not JSON', '{', /JSON array/],
    ['an object', '{}', /JSON array/],
    ['a bad name', [{ name: 'EHR!', kind: 'fhir', url: 'https://x.org' }], /\[0\]\.name/],
    ['a bad kind', [{ name: 'x', kind: 'ftp', url: 'https://x.org' }], /\[0\]\.kind/],
    ['a wrong scheme', [{ name: 'x', kind: 'fhir', url: 'mllp://x.org:1' }], /\[0\]\.url/],
    ['plain http', [{ name: 'x', kind: 'fhir', url: 'http://x.org' }], /insecure/],
    ['credentials', [{ name: 'x', kind: 'fhir', url: 'https://u:p@x.org' }], /credentials/],
    ['mllp without port', [{ name: 'x', kind: 'mllp', url: 'mllp://x.org' }], /host:port/],
    [
      'webhook without secret',
      [{ name: 'x', kind: 'webhook', url: 'https://x.org' }],
      /secretSetting/,
    ],
    [
      'a timeout out of range',
      [{ name: 'x', kind: 'fhir', url: 'https://x.org', timeoutMs: 5 }],
      /timeoutMs/,
    ],
    [
      'two of one name',
      [
        { name: 'x', kind: 'fhir', url: 'https://x.org' },
        { name: 'x', kind: 'fhir', url: 'https://y.org' },
      ],
      /same name/,
    ],
    [
      'a cert without key',
      [{ name: 'x', kind: 'mllp', url: 'mllps://x.org:1', tlsCertSetting: 'WEBHOOK_SECRET' }],
      /tlsKeySetting/,
    ],
  ])('refuses %s, naming the setting and entry', (_, value, message) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    expect(() => parseDestinations({ HL7GW_DESTINATIONS: text, WEBHOOK_SECRET: secret })).toThrow(
      message,
    );
  });

  it('names a missing secret setting without echoing any value', () => {
    const attempt = () =>
      parseDestinations({
        HL7GW_DESTINATIONS: JSON.stringify([
          { name: 'x', kind: 'webhook', url: 'https://x.org', secretSetting: 'MISSING_SECRET' },
        ]),
      });
    expect(attempt).toThrow(/MISSING_SECRET is required/);
  });

  it('refuses a short webhook secret', () => {
    const attempt = () =>
      parseDestinations({
        HL7GW_DESTINATIONS: JSON.stringify([
          { name: 'x', kind: 'webhook', url: 'https://x.org', secretSetting: 'SHORT' },
        ]),
        SHORT: 'abc',
      });
    expect(attempt).toThrow(/SHORT must be at least 32/);
  });
});

describe('subscriptionRule', () => {
  it('takes first deliveries matching the filter and retry copies addressed to it', () => {
    expect(subscriptionRule({ subscription: 'ehr', filter: "resultStatus = 'F'" })).toBe(
      "(deliveryRetryFor IS NULL AND (resultStatus = 'F')) OR deliveryRetryFor = 'ehr'",
    );
    expect(subscriptionRule({ subscription: 'hie' })).toBe(
      "(deliveryRetryFor IS NULL) OR deliveryRetryFor = 'hie'",
    );
  });
});
