/**
 * Key Vault in RBAC mode with purge protection: the API-key hashes, the webhook signing
 * secret and the session hash key. Apps read them as Key Vault references, each app only
 * the secrets it needs (the role assignment is scoped to the secret).
 */
import * as pulumi from '@pulumi/pulumi';
import * as keyvault from '@pulumi/azure-native/keyvault/index.js';

import { diagnostics, type StackContext } from './context.js';

/** The secrets the gateway keeps, by the app setting that references each. */
export const SECRETS = {
  HL7GW_API_KEYS: 'api-key-hashes',
  HL7GW_WEBHOOK_SIGNING_SECRET: 'webhook-signing-secret',
  HL7GW_SESSION_HASH_KEY: 'session-hash-key',
} as const;

/** One of the app settings in `SECRETS`. */
export type SecretSetting = keyof typeof SECRETS;

/** The vault and the resource id and reference of each secret. */
export interface Vault {
  vault: keyvault.Vault;
  /** Resource id of each secret, by app setting. */
  secretIds: Record<SecretSetting, pulumi.Output<string>>;
  /** `@Microsoft.KeyVault(SecretUri=...)` of each secret, versionless so rotation applies. */
  references: Record<SecretSetting, pulumi.Output<string>>;
}

/** Creates the vault and its secrets from the stack's secret configuration values. */
export function createVault(
  ctx: StackContext,
  tenantId: pulumi.Input<string>,
  values: Record<SecretSetting, pulumi.Input<string>>,
): Vault {
  const privateOnly = ctx.settings.privateNetworking.enabled;
  const vault = new keyvault.Vault(`${ctx.prefix}-kv`, {
    resourceGroupName: ctx.resourceGroupName,
    location: ctx.location,
    tags: ctx.tags,
    properties: {
      tenantId,
      sku: { family: 'A', name: 'standard' },
      enableRbacAuthorization: true,
      enablePurgeProtection: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      publicNetworkAccess: privateOnly ? 'Disabled' : 'Enabled',
      networkAcls: { defaultAction: privateOnly ? 'Deny' : 'Allow', bypass: 'AzureServices' },
    },
  });

  const secretIds = {} as Record<SecretSetting, pulumi.Output<string>>;
  const references = {} as Record<SecretSetting, pulumi.Output<string>>;
  for (const [setting, name] of Object.entries(SECRETS) as [SecretSetting, string][]) {
    const secret = new keyvault.Secret(`${ctx.prefix}-${name}`, {
      resourceGroupName: ctx.resourceGroupName,
      vaultName: vault.name,
      secretName: name,
      tags: ctx.tags,
      properties: { value: pulumi.secret(values[setting]), contentType: 'text/plain' },
    });
    secretIds[setting] = secret.id;
    references[setting] =
      pulumi.interpolate`@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/${name})`;
  }

  diagnostics(ctx, `${ctx.prefix}-kv`, vault.id, 'logs-and-metrics');
  return { vault, secretIds, references };
}
