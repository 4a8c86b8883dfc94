/**
 * Monitoring of a stack: the action group that pages the on-call team and the resource
 * group's monthly budget, which warns at 80% and 100% of actual spend and at 100% of the
 * forecast. Alert rules, workbooks and the availability test (from `infra/monitoring`)
 * hang off the same inputs and action group.
 */
import * as pulumi from '@pulumi/pulumi';
import * as consumption from '@pulumi/azure-native/consumption/index.js';
import * as monitor from '@pulumi/azure-native/monitor/index.js';

import { createAlerting, type Alerting } from './alerting.js';
import type { StackContext } from './context.js';
import type { AppName } from './settings.js';

/** The budget thresholds, in percent of the monthly amount. */
export const BUDGET_THRESHOLDS = [
  { name: 'actual-80', threshold: 80, thresholdType: 'Actual' },
  { name: 'actual-100', threshold: 100, thresholdType: 'Actual' },
  { name: 'forecast-100', threshold: 100, thresholdType: 'Forecasted' },
] as const;

/** What monitoring watches: the resources the rest of the program created. */
export interface MonitoringInputs {
  resourceGroupId: pulumi.Input<string>;
  workspaceId: pulumi.Input<string>;
  appInsightsId: pulumi.Input<string>;
  serviceBusNamespaceId: pulumi.Input<string>;
  storageAccountId: pulumi.Input<string>;
  functionApps: Record<AppName, { id: pulumi.Input<string>; hostName: pulumi.Input<string> }>;
}

/** What monitoring created that others refer to. */
export interface Monitoring {
  actionGroupId: pulumi.Output<string>;
  budgetName: pulumi.Output<string>;
  /** The alert rules, their action groups, the availability test and the workbooks. */
  alerting: Alerting;
}

/** Creates the on-call action group, the budget, and the alerting of `createAlerting`. */
export function createMonitoring(ctx: StackContext, inputs: MonitoringInputs): Monitoring {
  const { settings } = ctx;
  const actionGroup = new monitor.ActionGroup(`${ctx.prefix}-oncall`, {
    resourceGroupName: ctx.resourceGroupName,
    location: 'Global',
    tags: ctx.tags,
    enabled: true,
    // Shown in SMS and mail subjects; Azure allows 12 characters.
    groupShortName: `hl7gw-${settings.environment}`.slice(0, 12),
    emailReceivers: settings.alertEmails.map((address, index) => ({
      name: `oncall-${index + 1}`,
      emailAddress: address,
      useCommonAlertSchema: true,
    })),
  });

  const budget = new consumption.Budget(`${ctx.prefix}-budget`, {
    scope: inputs.resourceGroupId,
    budgetName: `${ctx.prefix}-monthly`,
    amount: settings.budgetMonthlyAmount,
    category: 'Cost',
    timeGrain: 'Monthly',
    timePeriod: { startDate: `${settings.budgetStartDate}T00:00:00Z` },
    notifications: Object.fromEntries(
      BUDGET_THRESHOLDS.map(({ name, threshold, thresholdType }) => [
        name,
        {
          enabled: true,
          operator: 'GreaterThanOrEqualTo',
          threshold,
          thresholdType,
          contactEmails: settings.alertEmails,
          contactGroups: [actionGroup.id],
        },
      ]),
    ),
  });

  // Alert routing (critical pages, warnings mail) comes from infra/monitoring's data; until
  // the stacks name pager phones or a paging webhook, both routes mail the alert list.
  const alerting = createAlerting({
    prefix: ctx.prefix,
    resourceGroupName: ctx.resourceGroupName,
    location: ctx.location,
    tags: ctx.tags,
    appInsightsId: inputs.appInsightsId,
    healthUrl: pulumi.interpolate`https://${inputs.functionApps.ingest.hostName}/api/health`,
    warningEmails: settings.alertEmails,
    criticalEmails: settings.alertEmails,
  });

  return { actionGroupId: actionGroup.id, budgetName: budget.name, alerting };
}
