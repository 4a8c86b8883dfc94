/**
 * The storage account: message content (`hl7gw-messages`, with the `raw/`, `claims/` and
 * `parked/` prefixes the apps write), the append-only audit container with time-based
 * immutability, the status, batch and parked tables, the Functions host containers and,
 * on Flex Consumption, one deployment container per app. Access is by Entra identity only.
 */
import * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/azure-native/storage/index.js';

import { diagnostics, type StackContext } from './context.js';
import { APP_NAMES, type AppName } from './settings.js';

/** The container the apps keep message content in (`DEFAULT_BLOB_CONTAINER` of platform). */
export const MESSAGE_CONTAINER = 'hl7gw-messages';
/** The append-only audit log's container. */
export const AUDIT_CONTAINER = 'hl7gw-audit';
/** The tables the apps use (`DEFAULT_TABLE_NAMES` of platform). */
export const TABLES = { status: 'hl7gwStatus', batches: 'hl7gwBatches', parked: 'hl7gwParked' };
/** Containers the Functions host itself uses: leases and keys. */
export const HOST_CONTAINERS = ['azure-webjobs-hosts', 'azure-webjobs-secrets'] as const;
/** Blob prefixes within `MESSAGE_CONTAINER`. */
export const PREFIXES = { raw: 'raw/', claims: 'claims/', parked: 'parked/' } as const;

/** The storage resources and the scopes role assignments use. */
export interface Storage {
  account: storage.StorageAccount;
  /** Resource id of each container, by name. */
  containerIds: Record<string, pulumi.Output<string>>;
  /** Resource id of each table, by name. */
  tableIds: Record<string, pulumi.Output<string>>;
  /** The Flex Consumption deployment container of each app, by app. */
  deploymentContainers: Partial<Record<AppName, string>>;
}

/** Creates the account, its containers, tables, lifecycle rules and diagnostics. */
export function createStorage(ctx: StackContext): Storage {
  const { settings } = ctx;
  const account = new storage.StorageAccount(`${ctx.prefix.replace(/-/g, '')}st`, {
    resourceGroupName: ctx.resourceGroupName,
    location: ctx.location,
    tags: ctx.tags,
    kind: 'StorageV2',
    sku: { name: settings.storageSku },
    accessTier: 'Hot',
    enableHttpsTrafficOnly: true,
    minimumTlsVersion: 'TLS1_2',
    allowBlobPublicAccess: false,
    // Every app reaches storage with its managed identity; account keys stay unusable.
    allowSharedKeyAccess: false,
    defaultToOAuthAuthentication: true,
    allowCrossTenantReplication: false,
    isLocalUserEnabled: false,
    isSftpEnabled: false,
    publicNetworkAccess: settings.privateNetworking.enabled ? 'Disabled' : 'Enabled',
    networkRuleSet: {
      defaultAction: settings.privateNetworking.enabled ? 'Deny' : 'Allow',
      bypass: 'AzureServices',
    },
    encryption: {
      keySource: 'Microsoft.Storage',
      requireInfrastructureEncryption: true,
      services: {
        blob: { enabled: true, keyType: 'Account' },
        file: { enabled: true, keyType: 'Account' },
        table: { enabled: true, keyType: 'Account' },
        queue: { enabled: true, keyType: 'Account' },
      },
    },
  });

  const accountArgs = { resourceGroupName: ctx.resourceGroupName, accountName: account.name };
  const softDelete = settings.blobSoftDeleteDays;
  const blobService = new storage.BlobServiceProperties(`${ctx.prefix}-blob-service`, {
    ...accountArgs,
    blobServicesName: 'default',
    deleteRetentionPolicy: {
      enabled: softDelete > 0,
      days: softDelete > 0 ? softDelete : undefined,
    },
    containerDeleteRetentionPolicy: {
      enabled: softDelete > 0,
      days: softDelete > 0 ? softDelete : undefined,
    },
  });

  const deploymentContainers: Partial<Record<AppName, string>> = {};
  if (settings.hosting === 'flex') {
    for (const app of APP_NAMES) deploymentContainers[app] = `deploy-${app}`;
  }
  const containerNames = [
    MESSAGE_CONTAINER,
    AUDIT_CONTAINER,
    ...HOST_CONTAINERS,
    ...Object.values(deploymentContainers),
  ];
  const containerIds: Record<string, pulumi.Output<string>> = {};
  const containers: Record<string, storage.BlobContainer> = {};
  for (const name of containerNames) {
    containers[name] = new storage.BlobContainer(
      `${ctx.prefix}-${name}`,
      { ...accountArgs, containerName: name, publicAccess: 'None' },
      { dependsOn: [blobService] },
    );
    containerIds[name] = containers[name].id;
  }

  new storage.BlobContainerImmutabilityPolicy(
    `${ctx.prefix}-audit-immutability`,
    {
      ...accountArgs,
      containerName: AUDIT_CONTAINER,
      immutabilityPolicyName: 'default',
      immutabilityPeriodSinceCreationInDays: settings.auditRetentionDays,
      // The audit log appends to its blobs; nothing, not even an owner, rewrites or deletes.
      allowProtectedAppendWrites: true,
    },
    { dependsOn: [containers[AUDIT_CONTAINER]!] },
  );

  const tableIds: Record<string, pulumi.Output<string>> = {};
  for (const name of Object.values(TABLES)) {
    tableIds[name] = new storage.Table(`${ctx.prefix}-${name}`, {
      ...accountArgs,
      tableName: name,
    }).id;
  }

  new storage.ManagementPolicy(`${ctx.prefix}-lifecycle`, {
    ...accountArgs,
    managementPolicyName: 'default',
    policy: { rules: lifecycleRules(ctx) },
  });

  diagnostics(ctx, `${ctx.prefix}-st`, account.id, 'metrics');
  diagnostics(
    ctx,
    `${ctx.prefix}-st-blob`,
    pulumi.interpolate`${account.id}/blobServices/default`,
    'logs-and-metrics',
  );
  diagnostics(
    ctx,
    `${ctx.prefix}-st-table`,
    pulumi.interpolate`${account.id}/tableServices/default`,
    'logs-and-metrics',
  );

  return { account, containerIds, tableIds, deploymentContainers };
}

/** Retention and purge of message content, by prefix, from the stack's settings. */
function lifecycleRules(ctx: StackContext) {
  const { settings } = ctx;
  const inMessages = (prefix: string) => [`${MESSAGE_CONTAINER}/${prefix}`];
  return [
    {
      name: 'raw-retention',
      enabled: true,
      type: 'Lifecycle',
      definition: {
        filters: { blobTypes: ['blockBlob'], prefixMatch: inMessages(PREFIXES.raw) },
        actions: {
          baseBlob: {
            tierToCool: { daysAfterModificationGreaterThan: settings.rawCoolAfterDays },
            delete: { daysAfterModificationGreaterThan: settings.rawRetentionDays },
          },
        },
      },
    },
    {
      name: 'claims-retention',
      enabled: true,
      type: 'Lifecycle',
      definition: {
        filters: { blobTypes: ['blockBlob'], prefixMatch: inMessages(PREFIXES.claims) },
        actions: {
          baseBlob: { delete: { daysAfterModificationGreaterThan: settings.claimRetentionDays } },
        },
      },
    },
    {
      name: 'parked-retention',
      enabled: true,
      type: 'Lifecycle',
      definition: {
        filters: { blobTypes: ['blockBlob'], prefixMatch: inMessages(PREFIXES.parked) },
        actions: {
          baseBlob: { delete: { daysAfterModificationGreaterThan: settings.parkedRetentionDays } },
        },
      },
    },
  ];
}
