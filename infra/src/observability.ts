/**
 * Log Analytics and workspace-based Application Insights: where every app's telemetry and
 * every resource's diagnostics land, kept for the stack's `logRetentionDays`.
 */
import * as applicationinsights from '@pulumi/azure-native/applicationinsights/index.js';
import * as operationalinsights from '@pulumi/azure-native/operationalinsights/index.js';

import { diagnostics, type StackContext } from './context.js';

/** The observability resources. */
export interface Observability {
  workspace: operationalinsights.Workspace;
  appInsights: applicationinsights.Component;
}

/** Creates the workspace and Application Insights, and sets `ctx.workspaceId`. */
export function createObservability(ctx: StackContext): Observability {
  const workspace = new operationalinsights.Workspace(`${ctx.prefix}-logs`, {
    resourceGroupName: ctx.resourceGroupName,
    location: ctx.location,
    tags: ctx.tags,
    sku: { name: 'PerGB2018' },
    retentionInDays: ctx.settings.logRetentionDays,
    features: { enableLogAccessUsingOnlyResourcePermissions: true },
  });
  ctx.workspaceId = workspace.id;

  const appInsights = new applicationinsights.Component(`${ctx.prefix}-appi`, {
    resourceGroupName: ctx.resourceGroupName,
    location: ctx.location,
    tags: ctx.tags,
    kind: 'web',
    applicationType: 'web',
    ingestionMode: 'LogAnalytics',
    workspaceResourceId: workspace.id,
    retentionInDays: ctx.settings.logRetentionDays,
    // Telemetry is accepted only from Entra identities (the apps' managed identities), so
    // the connection string's instrumentation key is an address, not a credential.
    disableLocalAuth: true,
    // Client IPs can identify a patient portal user; keep them masked.
    disableIpMasking: false,
  });

  diagnostics(ctx, `${ctx.prefix}-logs`, workspace.id, 'logs-and-metrics');
  diagnostics(ctx, `${ctx.prefix}-appi`, appInsights.id, 'metrics');
  return { workspace, appInsights };
}
