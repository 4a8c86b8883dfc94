/**
 * The program's entry point as `pulumi up` runs it: configuration as the CLI hands it over
 * (every value as text, objects and lists as JSON, secrets marked secret), under mocks.
 */
import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';

import { FAKE_SECRETS, settled, stackConfig } from './harness.js';

function resolve<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((done) => pulumi.output(output).apply((value) => done(value as T)));
}

describe('src/index.ts on the prod stack file', () => {
  it('reads every key as the CLI passes it and exports the deploy outputs', async () => {
    const created: string[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          created.push(args.type);
          return { id: `mock:${args.name}`, state: { ...args.inputs, name: args.name } };
        },
        call: (args) =>
          args.token === 'azure-native:authorization:getClientConfig'
            ? { tenantId: 'tenant', subscriptionId: 'subscription', objectId: 'me', clientId: 'me' }
            : args.inputs,
      },
      'hl7gw',
      'prod',
      false,
    );
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(stackConfig('prod'))) {
      config[`hl7gw:${key}`] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    config['hl7gw:apiKeyHashes'] = FAKE_SECRETS.HL7GW_API_KEYS;
    config['hl7gw:webhookSigningSecret'] = FAKE_SECRETS.HL7GW_WEBHOOK_SIGNING_SECRET;
    config['hl7gw:sessionHashKey'] = FAKE_SECRETS.HL7GW_SESSION_HASH_KEY;
    pulumi.runtime.setAllConfig(config, [
      'hl7gw:apiKeyHashes',
      'hl7gw:webhookSigningSecret',
      'hl7gw:sessionHashKey',
    ]);

    const program = await import('../src/index.js');
    await settled(() => created.length);

    expect(program.hosting).toBe('premium');
    expect(program.stagingSlot).toBe('staging');
    expect(await resolve(program.apps.ingest.name)).toBe('hl7gw-prod-ingest');
    expect(program.roleAssignments.length).toBeGreaterThan(40);
    expect(created).toContain('azure-native:network:PrivateEndpoint');
  });
});
