/**
 * Runs the program against Pulumi's mocks (no CLI, no cloud): every resource the program
 * registers is captured with its type, name and inputs, and given the outputs Azure would
 * compute (ids, identities, endpoints).
 */
import { readFileSync } from 'node:fs';

import * as pulumi from '@pulumi/pulumi';
import jsYaml from 'js-yaml';

import { createGateway, type GatewayOutputs } from '../src/gateway.js';
import { loadBusEntities } from '../src/servicebus-entities.js';
import { parseSettings, type StackSettings } from '../src/settings.js';

/** A resource as registered. */
export interface Captured {
  type: string;
  name: string;
  id: string;
  inputs: Record<string, unknown>;
}

/** The resources of one run and its outputs with every value resolved. */
export interface StackRun {
  settings: StackSettings;
  resources: Captured[];
  outputs: GatewayOutputs;
  /** Resolves an output of the run. */
  resolve<T>(output: pulumi.Input<T>): Promise<T>;
  /** The resources of one type token, e.g. `azure-native:web:WebApp`. */
  ofType(type: string): Captured[];
  /** The resource whose id is `id`. */
  byId(id: string): Captured | undefined;
}

/** Values standing in for the stack secrets; never real. */
export const FAKE_SECRETS = {
  HL7GW_API_KEYS: '[]',
  HL7GW_WEBHOOK_SIGNING_SECRET: 'test-webhook-signing-secret-0123456789',
  HL7GW_SESSION_HASH_KEY: 'test-session-hash-key-0123456789abcdef',
};

/** Reads a stack file's `hl7gw:` keys as `parseSettings` takes them. */
export function stackConfig(stack: string): Record<string, unknown> {
  const file = new URL(`../Pulumi.${stack}.yaml`, import.meta.url);
  const parsed = jsYaml.load(readFileSync(file, 'utf8')) as { config: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(parsed.config)
      .filter(([key]) => key.startsWith('hl7gw:'))
      .map(([key, value]) => [key.slice('hl7gw:'.length), value]),
  );
}

/** The settings of a stack file, with `overrides` on top. */
export function stackSettings(stack: string, overrides: Record<string, unknown> = {}) {
  const config = { ...stackConfig(stack), ...overrides };
  return parseSettings((key) => config[key]);
}

function ownName(type: string, inputs: Record<string, unknown>, logical: string): string {
  const short = type.split(':')[2] ?? '';
  const candidates = [`${short.charAt(0).toLowerCase()}${short.slice(1)}Name`, 'name'];
  if (short === 'BlobContainer') candidates.unshift('containerName');
  for (const key of candidates) if (typeof inputs[key] === 'string') return inputs[key];
  return logical;
}

function computed(type: string, name: string, logical: string): Record<string, unknown> {
  switch (type) {
    case 'azure-native:web:WebApp':
    case 'azure-native:web:WebAppSlot':
      return {
        // A slot shares its site's name but has an identity of its own.
        identity: { type: 'SystemAssigned', principalId: `principal-${logical}` },
        defaultHostName: `${name}.azurewebsites.net`,
      };
    case 'azure-native:keyvault:Vault':
      return { properties: { vaultUri: `https://${name}.vault.azure.net/` } };
    case 'azure-native:storage:StorageAccount':
      return { primaryEndpoints: { blob: `https://${name}.blob.core.windows.net/` } };
    case 'azure-native:applicationinsights:Component':
      return {
        connectionString:
          'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
      };
    case 'azure-native:apimanagement:ApiManagementService':
      return { publicIPAddresses: ['20.50.0.10'], gatewayUrl: `https://${name}.azure-api.net` };
    default:
      return {};
  }
}

/** Waits until no resource has been registered for a while: the program has settled. */
export async function settled(count: () => number): Promise<void> {
  let last = -1;
  let quietTurns = 0;
  while (quietTurns < 5) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = count();
    quietTurns = now === last ? quietTurns + 1 : 0;
    last = now;
  }
}

/** Builds the stack under mocks and returns what it registered. */
export async function runStack(settings: StackSettings): Promise<StackRun> {
  const resources: Captured[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const name = ownName(args.type, args.inputs as Record<string, unknown>, args.name);
        const id = `mock:${args.type}:${args.name}`;
        resources.push({ type: args.type, name: args.name, id, inputs: args.inputs });
        return { id, state: { ...args.inputs, name, ...computed(args.type, name, args.name) } };
      },
      call(args) {
        return args.inputs;
      },
    },
    'hl7gw',
    settings.environment,
    false,
  );

  const outputs = createGateway({
    settings,
    entities: loadBusEntities(),
    secrets: FAKE_SECRETS,
    tenantId: '11111111-1111-1111-1111-111111111111',
    subscriptionId: '22222222-2222-2222-2222-222222222222',
  });
  await settled(() => resources.length);

  const resolve = <T>(output: pulumi.Input<T>) =>
    new Promise<T>((done) => pulumi.output(output).apply((value) => done(value as T)));
  return {
    settings,
    resources,
    outputs,
    resolve,
    ofType: (type) => resources.filter((resource) => resource.type === type),
    byId: (id) => resources.find((resource) => resource.id === id),
  };
}
