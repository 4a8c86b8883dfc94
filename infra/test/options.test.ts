/**
 * The optional parts, switched on together on a Premium stack: lab-network allow-lists,
 * CORS, API Management with the global rate limit; and the settings that are refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { globalRateLimitPolicy } from '../src/api-management.js';
import { parseSettings, SettingsError } from '../src/settings.js';
import { runStack, stackConfig, stackSettings, type StackRun } from './harness.js';

describe('staging with every option on', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack(
      stackSettings('staging', {
        allowedIpRanges: ['198.51.100.0/24', '203.0.113.16/28'],
        corsAllowedOrigins: ['https://portal.lab.example.org'],
        apiManagement: {
          enabled: true,
          publisherEmail: 'ops@example.org',
          rateLimitCalls: 1200,
          rateLimitPeriodSeconds: 60,
        },
      }),
    );
  });

  it('lets only the lab networks (and API Management into ingest) reach the apps', () => {
    for (const site of run.ofType('azure-native:web:WebApp')) {
      const config = site.inputs.siteConfig as {
        ipSecurityRestrictionsDefaultAction: string;
        scmIpSecurityRestrictionsUseMain: boolean;
        ipSecurityRestrictions: { ipAddress: string }[];
        cors: { allowedOrigins: string[] };
      };
      expect(config.ipSecurityRestrictionsDefaultAction).toBe('Deny');
      expect(config.scmIpSecurityRestrictionsUseMain).toBe(true);
      const allowed = config.ipSecurityRestrictions.map(
        (rule: { ipAddress: string }) => rule.ipAddress,
      );
      const expected = ['198.51.100.0/24', '203.0.113.16/28'];
      if (site.name.endsWith('-ingest')) expected.push('20.50.0.10/32');
      expect(allowed).toEqual(expected);
      expect(config.cors.allowedOrigins).toEqual(['https://portal.lab.example.org']);
    }
  });

  it('puts the global rate-limit policy on the API in front of ingest', () => {
    const [api] = run.ofType('azure-native:apimanagement:Api');
    expect(api!.inputs.serviceUrl).toBe('https://hl7gw-staging-ingest.azurewebsites.net/api');
    expect(api!.inputs.protocols).toEqual(['https']);
    const [policy] = run.ofType('azure-native:apimanagement:ApiPolicy');
    expect(policy!.inputs.value).toBe(globalRateLimitPolicy(1200, 60));
    expect(policy!.inputs.value).toContain('calls="1200" renewal-period="60"');
  });
});

describe('parseSettings', () => {
  const dev = stackConfig('dev');
  const parse = (overrides: Record<string, unknown>) => {
    const config = { ...dev, ...overrides };
    return () => parseSettings((key) => config[key]);
  };

  it.each([
    ['environment', { environment: 'qa' }],
    ['owner', { owner: '' }],
    ['storageSku', { storageSku: 'Premium_LRS' }],
    ['zoneRedundant', { zoneRedundant: true }],
    ['rawCoolAfterDays', { rawCoolAfterDays: 30, rawRetentionDays: 14 }],
    ['claimRetentionDays', { claimRetentionDays: 3 }],
    ['scale', { scale: { billing: { maximumInstanceCount: 1 } } }],
    [
      'scale.ingest.alwaysReadyInstances',
      { scale: { ingest: { maximumInstanceCount: 2, alwaysReadyInstances: 3 } } },
    ],
    ['allowedIpRanges', { allowedIpRanges: ['10.0.0.1'] }],
    ['corsAllowedOrigins', { corsAllowedOrigins: ['http://insecure.example.org'] }],
    ['privateNetworking', { privateNetworking: { enabled: true } }],
    ['apiManagement.publisherEmail', { apiManagement: { enabled: true } }],
    ['logRetentionDays', { logRetentionDays: 7 }],
  ])('refuses a bad %s, naming it', (key, overrides) => {
    expect(parse(overrides)).toThrow(SettingsError);
    expect(parse(overrides)).toThrow(new RegExp(`^hl7gw:${key.replace(/\./g, '\\.')} `));
  });

  it('reads numbers and booleans given as text, as `pulumi config set` stores them', () => {
    const settings = parse({ logRetentionDays: '60', defender: 'true' })();
    expect(settings.logRetentionDays).toBe(60);
    expect(settings.defender).toBe(true);
  });
});
