/**
 * What every part of the program shares: the stack's settings, its resource group, the
 * tags, and the Log Analytics workspace that every resource sends its diagnostics to.
 */
import * as pulumi from '@pulumi/pulumi';
import * as monitor from '@pulumi/azure-native/monitor/index.js';

import type { StackSettings } from './settings.js';

/** The tags every taggable resource carries. */
export interface StandardTags extends Record<string, string> {
  environment: string;
  owner: string;
  costCentre: string;
  dataClassification: 'PHI';
  application: 'hl7-results-gateway';
}

/** The shared context each part of the program is built with. */
export interface StackContext {
  settings: StackSettings;
  /** `hl7gw-<environment>`: the prefix of every resource name. */
  prefix: string;
  resourceGroupName: pulumi.Input<string>;
  location: string;
  tags: StandardTags;
  /** Set once the workspace exists; every diagnostic setting points at it. */
  workspaceId?: pulumi.Input<string>;
}

/** The tags of a stack: environment, owner, cost centre and the data classification. */
export function standardTags(settings: StackSettings): StandardTags {
  return {
    environment: settings.environment,
    owner: settings.owner,
    costCentre: settings.costCentre,
    dataClassification: 'PHI',
    application: 'hl7-results-gateway',
  };
}

/** What a diagnostic setting collects: every log category group, every metric, or both. */
export type DiagnosticKind = 'logs-and-metrics' | 'metrics' | 'logs';

/**
 * Sends a resource's logs and metrics to the stack's workspace. Some resources have no log
 * categories (a plan, the storage account itself), so the caller says which it has.
 */
export function diagnostics(
  ctx: StackContext,
  name: string,
  resourceUri: pulumi.Input<string>,
  kind: DiagnosticKind,
  opts?: pulumi.CustomResourceOptions,
): monitor.DiagnosticSetting {
  if (ctx.workspaceId === undefined) throw new Error('diagnostics: the workspace comes first');
  return new monitor.DiagnosticSetting(
    `${name}-diagnostics`,
    {
      name: 'to-log-analytics',
      resourceUri,
      workspaceId: ctx.workspaceId,
      // Resource-specific tables query faster and cost less than AzureDiagnostics.
      logAnalyticsDestinationType: 'Dedicated',
      logs: kind === 'metrics' ? [] : [{ categoryGroup: 'allLogs', enabled: true }],
      metrics: kind === 'logs' ? [] : [{ category: 'AllMetrics', enabled: true }],
    },
    opts,
  );
}
