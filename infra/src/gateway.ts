/**
 * The whole environment of one stack: resource group, observability, storage, Service Bus,
 * Key Vault, the three Function Apps with least-privilege role assignments, and the
 * optional private networking, API Management, Defender plans and HIPAA/HITRUST policy.
 */
import * as pulumi from '@pulumi/pulumi';
import * as resources from '@pulumi/azure-native/resources/index.js';

import { createApiManagementService, createIngestApi } from './api-management.js';
import { standardTags, type StackContext } from './context.js';
import { createFunctionApp, createPlans, type FunctionApp } from './function-apps.js';
import { assignHipaaPolicy, enableDefender } from './governance.js';
import { createVault, SECRETS, type SecretSetting } from './keyvault.js';
import { createMonitoring } from './monitoring.js';
import { createNetwork, createPrivateEndpoints } from './network.js';
import { createObservability } from './observability.js';
import { grant, type BuiltInRole, type GrantRecord } from './roles.js';
import type { BusEntities } from './servicebus-entities.js';
import { createServiceBus } from './servicebus.js';
import { APP_NAMES, type AppName, type StackSettings } from './settings.js';
import {
  AUDIT_CONTAINER,
  createStorage,
  HOST_CONTAINERS,
  MESSAGE_CONTAINER,
  TABLES,
} from './storage.js';

/** Everything the program needs that is not a resource it creates. */
export interface GatewayInputs {
  settings: StackSettings;
  entities: BusEntities;
  /** The secret values (stack secrets), by the app setting that references each. */
  secrets: Record<SecretSetting, pulumi.Input<string>>;
  tenantId: pulumi.Input<string>;
  subscriptionId: pulumi.Input<string>;
}

/** What the stack exports: names and addresses the deploy workflow and runbooks use. */
export interface GatewayOutputs {
  resourceGroupName: pulumi.Output<string>;
  hosting: StackSettings['hosting'];
  stagingSlot: string | undefined;
  apps: Record<AppName, { name: pulumi.Output<string>; hostName: pulumi.Output<string> }>;
  storageAccountName: pulumi.Output<string>;
  serviceBusNamespace: pulumi.Output<string>;
  keyVaultName: pulumi.Output<string>;
  logAnalyticsWorkspaceId: pulumi.Output<string>;
  appInsightsName: pulumi.Output<string>;
  apiManagementGatewayUrl: pulumi.Output<string> | undefined;
  roleAssignments: GrantRecord[];
}

/** Builds the stack's resources. Call once per program run (or per mocked test run). */
export function createGateway(inputs: GatewayInputs): GatewayOutputs {
  const { settings, entities } = inputs;
  const prefix = `hl7gw-${settings.environment}`;
  const tags = standardTags(settings);

  const group = new resources.ResourceGroup(`${prefix}-rg`, { location: settings.location, tags });
  const ctx: StackContext = {
    settings,
    prefix,
    resourceGroupName: group.name,
    location: settings.location,
    tags,
  };

  const { workspace, appInsights } = createObservability(ctx);
  const store = createStorage(ctx);
  const bus = createServiceBus(ctx, entities);
  const vault = createVault(ctx, inputs.tenantId, inputs.secrets);
  const net = settings.privateNetworking.enabled ? createNetwork(ctx) : undefined;
  const apim = settings.apiManagement.enabled ? createApiManagementService(ctx) : undefined;

  const inboundQueue = requireName(
    entities.queues.map((q) => q.name),
    'hl7-inbound',
  );
  const resultsTopic = requireName(
    entities.topics.map((t) => t.name),
    'hl7-results',
  );
  const resultSubscriptions = entities.topics
    .find((topic) => topic.name === resultsTopic)!
    .subscriptions.map((subscription) => subscription.name);

  const extraSettings: Record<AppName, Record<string, string>> = {
    ingest: {
      HL7GW_INBOUND_QUEUE: inboundQueue,
      HL7GW_RESULTS_TOPIC: resultsTopic,
      HL7GW_AUDIT_CONTAINER: AUDIT_CONTAINER,
    },
    processor: { HL7GW_INBOUND_QUEUE: inboundQueue, HL7GW_RESULTS_TOPIC: resultsTopic },
    deadletter: {
      HL7GW_INBOUND_QUEUE: inboundQueue,
      HL7GW_RESULTS_TOPIC: resultsTopic,
      HL7GW_RESULT_SUBSCRIPTIONS: resultSubscriptions.join(','),
      HL7GW_AUDIT_CONTAINER: AUDIT_CONTAINER,
    },
  };

  const plans = createPlans(ctx, APP_NAMES);
  const apps = {} as Record<AppName, FunctionApp>;
  for (const name of APP_NAMES) {
    const deployContainer = store.deploymentContainers[name];
    apps[name] = createFunctionApp(ctx, plans[name], {
      name,
      storageAccountName: store.account.name,
      serviceBusNamespace: bus.namespace.name,
      appInsightsConnectionString: appInsights.connectionString,
      secretReferences: vault.references,
      extraSettings: extraSettings[name],
      ...(deployContainer === undefined
        ? {}
        : {
            deploymentContainerUrl: pulumi.interpolate`${store.account.primaryEndpoints.blob}${deployContainer}`,
          }),
      ...(net === undefined ? {} : { subnetId: net.appSubnetId }),
      ...(apim !== undefined && name === 'ingest'
        ? { extraAllowedIps: apim.publicIPAddresses }
        : {}),
    });
  }

  // What each app may do, at the narrowest scope Azure offers for it.
  const queueId = bus.queueIds[inboundQueue]!;
  const topicId = bus.topicIds[resultsTopic]!;
  const container = (name: string) => store.containerIds[name]!;
  const table = (name: string) => store.tableIds[name]!;
  const secret = (setting: SecretSetting) => vault.secretIds[setting];
  type Scope = { role: BuiltInRole; scope: pulumi.Input<string>; label: string };
  const onContainer = (role: BuiltInRole, name: string): Scope => ({
    role,
    scope: container(name),
    label: `container ${name}`,
  });
  const onTable = (role: BuiltInRole, name: string): Scope => ({
    role,
    scope: table(name),
    label: `table ${name}`,
  });
  const hostScopes: Scope[] = HOST_CONTAINERS.map((name) =>
    onContainer('storageBlobDataContributor', name),
  );
  const common = (app: AppName): Scope[] => [
    ...hostScopes,
    ...(store.deploymentContainers[app] === undefined
      ? []
      : [onContainer('storageBlobDataContributor', store.deploymentContainers[app])]),
    { role: 'monitoringMetricsPublisher', scope: appInsights.id, label: 'Application Insights' },
  ];
  const secretScopes = (settingsRead: SecretSetting[]): Scope[] =>
    settingsRead.map((setting) => ({
      role: 'keyVaultSecretsUser',
      scope: secret(setting),
      label: `secret ${SECRETS[setting]}`,
    }));

  const scopes: Record<AppName, Scope[]> = {
    ingest: [
      { role: 'serviceBusDataSender', scope: queueId, label: `queue ${inboundQueue}` },
      onContainer('storageBlobDataContributor', MESSAGE_CONTAINER),
      onContainer('storageBlobDataContributor', AUDIT_CONTAINER),
      onTable('storageTableDataContributor', TABLES.status),
      onTable('storageTableDataContributor', TABLES.batches),
      ...secretScopes(['HL7GW_API_KEYS', 'HL7GW_SESSION_HASH_KEY']),
      ...common('ingest'),
    ],
    processor: [
      { role: 'serviceBusDataReceiver', scope: queueId, label: `queue ${inboundQueue}` },
      { role: 'serviceBusDataSender', scope: topicId, label: `topic ${resultsTopic}` },
      onContainer('storageBlobDataReader', MESSAGE_CONTAINER),
      onTable('storageTableDataContributor', TABLES.status),
      ...secretScopes(['HL7GW_WEBHOOK_SIGNING_SECRET']),
      ...common('processor'),
    ],
    deadletter: [
      // Receiving a queue's dead letters needs Receiver on the queue: Azure has no
      // narrower scope for `$deadletterqueue`.
      { role: 'serviceBusDataReceiver', scope: queueId, label: `queue ${inboundQueue}` },
      ...resultSubscriptions.map((name) => ({
        role: 'serviceBusDataReceiver' as const,
        scope: bus.subscriptionIds[`${resultsTopic}/${name}`]!,
        label: `subscription ${resultsTopic}/${name}`,
      })),
      { role: 'serviceBusDataSender', scope: queueId, label: `queue ${inboundQueue}` },
      onContainer('storageBlobDataContributor', MESSAGE_CONTAINER),
      onContainer('storageBlobDataContributor', AUDIT_CONTAINER),
      onTable('storageTableDataContributor', TABLES.parked),
      onTable('storageTableDataContributor', TABLES.status),
      ...secretScopes(['HL7GW_API_KEYS', 'HL7GW_SESSION_HASH_KEY']),
      ...common('deadletter'),
    ],
  };

  const roleAssignments: GrantRecord[] = [];
  for (const name of APP_NAMES) {
    apps[name].principalIds.forEach((principalId, index) => {
      const who = index === 0 ? name : `${name}-staging`;
      for (const { role, scope, label } of scopes[name]) {
        const slug = label.replace(/[^A-Za-z0-9]+/g, '-');
        grant(`${prefix}-${who}-${role}-${slug}`, {
          principalId,
          role,
          scope,
          subscriptionId: inputs.subscriptionId,
        });
        roleAssignments.push({ app: who, role, scopeLabel: label });
      }
    });
  }

  if (net !== undefined) {
    const blobZone = 'privatelink.blob.core.windows.net';
    createPrivateEndpoints(ctx, net, [
      { name: 'blob', resourceId: store.account.id, groupId: 'blob', zone: blobZone },
      {
        name: 'table',
        resourceId: store.account.id,
        groupId: 'table',
        zone: 'privatelink.table.core.windows.net',
      },
      {
        name: 'servicebus',
        resourceId: bus.namespace.id,
        groupId: 'namespace',
        zone: 'privatelink.servicebus.windows.net',
      },
      {
        name: 'vault',
        resourceId: vault.vault.id,
        groupId: 'vault',
        zone: 'privatelink.vaultcore.azure.net',
      },
    ]);
  }
  if (apim !== undefined) createIngestApi(ctx, apim, apps.ingest.site.defaultHostName);
  createMonitoring(ctx, {
    resourceGroupId: group.id,
    workspaceId: workspace.id,
    appInsightsId: appInsights.id,
    serviceBusNamespaceId: bus.namespace.id,
    storageAccountId: store.account.id,
    functionApps: Object.fromEntries(
      APP_NAMES.map((name) => [
        name,
        { id: apps[name].site.id, hostName: apps[name].site.defaultHostName },
      ]),
    ) as Record<AppName, { id: pulumi.Output<string>; hostName: pulumi.Output<string> }>,
  });
  if (settings.defender) enableDefender(ctx, inputs.subscriptionId);
  if (settings.hipaaPolicy) assignHipaaPolicy(ctx, group.id);

  return {
    resourceGroupName: group.name,
    hosting: settings.hosting,
    stagingSlot: settings.hosting === 'premium' ? 'staging' : undefined,
    apps: Object.fromEntries(
      APP_NAMES.map((name) => [
        name,
        { name: apps[name].site.name, hostName: apps[name].site.defaultHostName },
      ]),
    ) as GatewayOutputs['apps'],
    storageAccountName: store.account.name,
    serviceBusNamespace: bus.namespace.name,
    keyVaultName: vault.vault.name,
    logAnalyticsWorkspaceId: workspace.id,
    appInsightsName: appInsights.name,
    apiManagementGatewayUrl: apim?.gatewayUrl,
    roleAssignments,
  };
}

function requireName(names: string[], wanted: string): string {
  if (!names.includes(wanted)) throw new Error(`servicebus.json has no entity ${wanted}`);
  return wanted;
}
