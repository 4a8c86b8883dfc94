/**
 * The three Function Apps (ingest, processor, deadletter) on Linux, Node 22: Flex
 * Consumption (one plan per app, as Flex requires) or Elastic Premium (one zone-redundant
 * plan with a `staging` slot per app, for swap deployments and instant rollback).
 * HTTPS only, FTP and basic publishing credentials off, a system-assigned identity, every
 * connection identity-based and every secret a Key Vault reference.
 */
import * as pulumi from '@pulumi/pulumi';
import * as web from '@pulumi/azure-native/web/index.js';

import { diagnostics, type StackContext } from './context.js';
import type { SecretSetting } from './keyvault.js';
import type { AppName } from './settings.js';

/** The Node.js major version the apps run on in Azure. */
export const NODE_VERSION = '22';
/** The name of the deployment slot on Elastic Premium. */
export const STAGING_SLOT = 'staging';

/** The secrets each app reads (and may read: its Key Vault role is scoped to these). */
export const APP_SECRETS: Record<AppName, SecretSetting[]> = {
  ingest: ['HL7GW_API_KEYS', 'HL7GW_SESSION_HASH_KEY'],
  processor: ['HL7GW_WEBHOOK_SIGNING_SECRET'],
  deadletter: ['HL7GW_API_KEYS', 'HL7GW_SESSION_HASH_KEY'],
};

// Flex Consumption keeps instances warm per group: `http` for every HTTP trigger, or
// `function:<name>` for one other trigger (the processor has only its queue trigger).
const ALWAYS_READY_GROUP: Record<AppName, string> = {
  ingest: 'http',
  processor: 'function:processInbound',
  deadletter: 'http',
};

/** What an app needs from the rest of the stack. */
export interface AppInputs {
  name: AppName;
  storageAccountName: pulumi.Input<string>;
  serviceBusNamespace: pulumi.Input<string>;
  appInsightsConnectionString: pulumi.Input<string>;
  secretReferences: Record<SecretSetting, pulumi.Input<string>>;
  /** Non-secret settings particular to the app. */
  extraSettings: Record<string, pulumi.Input<string>>;
  /** Flex Consumption: the blob container the platform deploys the package from. */
  deploymentContainerUrl?: pulumi.Input<string>;
  /** Premium with private networking: the integration subnet. */
  subnetId?: pulumi.Input<string>;
  /** Addresses allowed in besides the stack's `allowedIpRanges` (API Management's). */
  extraAllowedIps?: pulumi.Input<string[]>;
}

/** A created app: the site, its staging slot on Premium, and their identities. */
export interface FunctionApp {
  name: AppName;
  site: web.WebApp;
  slot?: web.WebAppSlot;
  /** Principal ids of the site's identity and, on Premium, the slot's. */
  principalIds: pulumi.Output<string>[];
}

/** The plans: one per app on Flex, one shared on Premium. */
export function createPlans(ctx: StackContext, apps: readonly AppName[]) {
  const { settings } = ctx;
  const plans = {} as Record<AppName, web.AppServicePlan>;
  if (settings.hosting === 'flex') {
    for (const app of apps) {
      plans[app] = new web.AppServicePlan(`${ctx.prefix}-${app}-plan`, {
        resourceGroupName: ctx.resourceGroupName,
        location: ctx.location,
        tags: ctx.tags,
        kind: 'functionapp',
        reserved: true,
        sku: { name: 'FC1', tier: 'FlexConsumption' },
        zoneRedundant: settings.zoneRedundant,
      });
      diagnostics(ctx, `${ctx.prefix}-${app}-plan`, plans[app].id, 'metrics');
    }
    return plans;
  }

  const largest = Math.max(...apps.map((app) => settings.scale[app].maximumInstanceCount));
  const shared = new web.AppServicePlan(`${ctx.prefix}-plan`, {
    resourceGroupName: ctx.resourceGroupName,
    location: ctx.location,
    tags: ctx.tags,
    kind: 'elastic',
    reserved: true,
    sku: { name: settings.premiumSku, tier: 'ElasticPremium' },
    maximumElasticWorkerCount: largest,
    zoneRedundant: settings.zoneRedundant,
    // Zone redundancy needs at least three instances, one per zone.
    ...(settings.zoneRedundant ? { targetWorkerCount: 3 } : {}),
  });
  diagnostics(ctx, `${ctx.prefix}-plan`, shared.id, 'metrics');
  for (const app of apps) plans[app] = shared;
  return plans;
}

/** The app settings of one app: identity-based connections and Key Vault references only. */
export function appSettings(
  ctx: StackContext,
  input: AppInputs,
): Record<string, pulumi.Input<string>> {
  const settings: Record<string, pulumi.Input<string>> = {
    AzureWebJobsStorage__accountName: input.storageAccountName,
    ServiceBusConnection__fullyQualifiedNamespace: pulumi.interpolate`${input.serviceBusNamespace}.servicebus.windows.net`,
    APPLICATIONINSIGHTS_CONNECTION_STRING: input.appInsightsConnectionString,
    // Application Insights has local auth off: telemetry goes in with the app's identity.
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD',
    HL7GW_ENVIRONMENT: ctx.settings.environment,
    HL7GW_LOG_LEVEL: ctx.settings.logLevel,
    ...input.extraSettings,
  };
  for (const secret of APP_SECRETS[input.name]) {
    settings[secret] = input.secretReferences[secret];
  }
  if (ctx.settings.hosting === 'premium') {
    // Flex Consumption sets these itself and refuses them as app settings.
    settings.FUNCTIONS_EXTENSION_VERSION = '~4';
    settings.FUNCTIONS_WORKER_RUNTIME = 'node';
    settings.WEBSITE_RUN_FROM_PACKAGE = '1';
  }
  return settings;
}

function siteConfig(
  ctx: StackContext,
  input: AppInputs,
  appSettingList: { name: string; value: pulumi.Input<string> }[],
) {
  const { settings } = ctx;
  const scale = settings.scale[input.name];
  const restricted = settings.allowedIpRanges.length > 0 || input.extraAllowedIps !== undefined;
  const ipSecurityRestrictions = pulumi.output(input.extraAllowedIps ?? []).apply((extra) => [
    ...settings.allowedIpRanges.map((range, index) => ({
      name: `lab-network-${index + 1}`,
      ipAddress: range,
      action: 'Allow',
      priority: 100 + index,
    })),
    ...extra.map((address, index) => ({
      name: `api-management-${index + 1}`,
      ipAddress: address.includes('/') ? address : `${address}/32`,
      action: 'Allow',
      priority: 200 + index,
    })),
  ]);

  return {
    appSettings: appSettingList,
    minTlsVersion: '1.3',
    scmMinTlsVersion: '1.2',
    ftpsState: 'Disabled',
    http20Enabled: true,
    cors: { allowedOrigins: settings.corsAllowedOrigins, supportCredentials: false },
    ipSecurityRestrictions,
    ipSecurityRestrictionsDefaultAction: restricted ? 'Deny' : 'Allow',
    scmIpSecurityRestrictionsUseMain: true,
    ...(input.subnetId === undefined ? {} : { vnetRouteAllEnabled: true }),
    ...(settings.hosting === 'premium'
      ? {
          linuxFxVersion: `Node|${NODE_VERSION}`,
          minimumElasticInstanceCount: scale.alwaysReadyInstances,
          functionAppScaleLimit: scale.maximumInstanceCount,
          // The slot swap warms the new code on these instances before traffic moves.
          preWarmedInstanceCount: Math.min(1, scale.maximumInstanceCount),
        }
      : {}),
  };
}

/** Creates one Function App (and its staging slot on Premium). */
export function createFunctionApp(
  ctx: StackContext,
  plan: web.AppServicePlan,
  input: AppInputs,
): FunctionApp {
  const { settings } = ctx;
  const scale = settings.scale[input.name];
  const appSettingList = Object.entries(appSettings(ctx, input)).map(([name, value]) => ({
    name,
    value,
  }));
  const common = {
    resourceGroupName: ctx.resourceGroupName,
    location: ctx.location,
    tags: ctx.tags,
    kind: 'functionapp,linux',
    reserved: true,
    serverFarmId: plan.id,
    httpsOnly: true,
    clientAffinityEnabled: false,
    identity: { type: 'SystemAssigned' as const },
    keyVaultReferenceIdentity: 'SystemAssigned',
    publicNetworkAccess: 'Enabled',
    ...(input.subnetId === undefined ? {} : { virtualNetworkSubnetId: input.subnetId }),
    siteConfig: siteConfig(ctx, input, appSettingList),
  };

  const flexConfig =
    settings.hosting === 'flex'
      ? {
          functionAppConfig: {
            deployment: {
              storage: {
                type: 'blobContainer',
                value: input.deploymentContainerUrl,
                authentication: { type: 'SystemAssignedIdentity' },
              },
            },
            runtime: { name: 'node', version: NODE_VERSION },
            scaleAndConcurrency: {
              maximumInstanceCount: scale.maximumInstanceCount,
              instanceMemoryMB: 2048,
              alwaysReady:
                scale.alwaysReadyInstances > 0
                  ? [
                      {
                        name: ALWAYS_READY_GROUP[input.name],
                        instanceCount: scale.alwaysReadyInstances,
                      },
                    ]
                  : [],
            },
          },
        }
      : {};

  const site = new web.WebApp(`${ctx.prefix}-${input.name}`, { ...common, ...flexConfig });
  const siteArgs = { resourceGroupName: ctx.resourceGroupName, name: site.name };
  // Basic-auth publishing (FTP and the SCM site with a user name and password) is off;
  // deployments authenticate with Entra.
  new web.WebAppFtpAllowed(`${ctx.prefix}-${input.name}-ftp`, { ...siteArgs, allow: false });
  new web.WebAppScmAllowed(`${ctx.prefix}-${input.name}-scm`, { ...siteArgs, allow: false });
  diagnostics(ctx, `${ctx.prefix}-${input.name}`, site.id, 'logs-and-metrics');

  const principalIds = [
    site.identity.apply(
      (identity: { principalId?: string } | undefined) => identity?.principalId ?? '',
    ),
  ];
  if (settings.hosting !== 'premium') return { name: input.name, site, principalIds };

  const slot = new web.WebAppSlot(`${ctx.prefix}-${input.name}-${STAGING_SLOT}`, {
    ...common,
    name: site.name,
    slot: STAGING_SLOT,
  });
  const slotArgs = { ...siteArgs, slot: STAGING_SLOT };
  new web.WebAppFtpAllowedSlot(`${ctx.prefix}-${input.name}-${STAGING_SLOT}-ftp`, {
    ...slotArgs,
    allow: false,
  });
  new web.WebAppScmAllowedSlot(`${ctx.prefix}-${input.name}-${STAGING_SLOT}-scm`, {
    ...slotArgs,
    allow: false,
  });
  diagnostics(ctx, `${ctx.prefix}-${input.name}-${STAGING_SLOT}`, slot.id, 'logs-and-metrics');
  principalIds.push(
    slot.identity.apply(
      (identity: { principalId?: string } | undefined) => identity?.principalId ?? '',
    ),
  );
  return { name: input.name, site, slot, principalIds };
}
