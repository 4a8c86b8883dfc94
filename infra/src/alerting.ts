/**
 * The alerting of a stack, built from `@hl7gw/infra-monitoring`'s data: one action group
 * per route (critical pages, warning emails), the standard availability test on
 * `/api/health` with its location alert (ALERT-001), a log search alert per KQL alert rule
 * (ALERT-002..008), and the three workbooks. Takes plain inputs, so the program (or a
 * test) can call it with any resource group and Application Insights component.
 */
import * as pulumi from '@pulumi/pulumi';
import * as applicationinsights from '@pulumi/azure-native/applicationinsights/index.js';
import * as monitor from '@pulumi/azure-native/monitor/index.js';
import {
  ALERT_ROUTES,
  ALERT_RULES,
  DASHBOARDS,
  buildWorkbook,
  isoMinutes,
  queryById,
  routeFor,
  stableGuid,
  type AlertRoute,
  type AvailabilityAlertRule,
  type LogAlertRule,
} from '@hl7gw/infra-monitoring';

/** A phone that a critical alert calls or texts. */
export interface PagerPhone {
  countryCode: string;
  phoneNumber: string;
}

/** What alerting needs from the rest of the stack. */
export interface AlertingInputs {
  /** `hl7gw-<environment>`: the prefix of every name. */
  prefix: string;
  resourceGroupName: pulumi.Input<string>;
  location: string;
  tags: Record<string, string>;
  /** The Application Insights component every query and the web test belong to. */
  appInsightsId: pulumi.Input<string>;
  /** The ingest app's health URL, `https://<host>/api/health`. */
  healthUrl: pulumi.Input<string>;
  /** Who the warning route emails. */
  warningEmails: string[];
  /** Who the critical route emails, besides paging. */
  criticalEmails: string[];
  /** Phones the critical route texts and calls. */
  pagerPhones?: PagerPhone[];
  /** A paging service's webhook (an incident tool's alert endpoint), when there is one. */
  pagerWebhookUrl?: pulumi.Input<string>;
}

/** What alerting created, by id. */
export interface Alerting {
  actionGroupIds: Record<AlertRoute['name'], pulumi.Output<string>>;
  webTestId: pulumi.Output<string>;
  /** Alert rule resource ids by alert id (`ALERT-001` ...). */
  alertIds: Record<string, pulumi.Output<string>>;
  /** Workbook resource ids by dashboard id. */
  workbookIds: Record<string, pulumi.Output<string>>;
}

/** Creates the action groups, the availability test, the alert rules and the workbooks. */
export function createAlerting(inputs: AlertingInputs): Alerting {
  const base = { resourceGroupName: inputs.resourceGroupName, tags: inputs.tags };

  const actionGroupIds = {} as Alerting['actionGroupIds'];
  for (const route of ALERT_ROUTES) {
    actionGroupIds[route.name] = createActionGroup(inputs, route).id;
  }

  const availability = ALERT_RULES.find(
    (rule): rule is AvailabilityAlertRule => rule.kind === 'availability',
  );
  if (availability === undefined) throw new Error('no availability alert rule to build on');
  const webTestName = `${inputs.prefix}-health`;
  // Azure links a web test to its component through this tag; without it the portal and
  // the location alert cannot find the test.
  const webTestTags = pulumi
    .output(inputs.appInsightsId)
    .apply((id) => ({ ...inputs.tags, [`hidden-link:${id}`]: 'Resource' }));
  const webTest = new applicationinsights.WebTest(webTestName, {
    resourceGroupName: inputs.resourceGroupName,
    location: inputs.location,
    tags: webTestTags,
    webTestName,
    syntheticMonitorId: webTestName,
    kind: 'standard',
    webTestKind: 'standard',
    description: 'GET /api/health on the ingest app (ALERT-001)',
    enabled: true,
    frequency: availability.testFrequencySeconds,
    timeout: availability.testTimeoutSeconds,
    retryEnabled: true,
    locations: availability.testLocations.map((location) => ({ location })),
    request: { requestUrl: inputs.healthUrl, httpVerb: 'GET', followRedirects: false },
    validationRules: {
      expectedHttpStatusCode: 200,
      sSLCheck: true,
      sSLCertRemainingLifetimeCheck: 14,
    },
  });

  const alertIds: Record<string, pulumi.Output<string>> = {};
  alertIds[availability.id] = new monitor.MetricAlert(`${inputs.prefix}-${availability.name}`, {
    ...base,
    location: 'global',
    ruleName: `${inputs.prefix}-${availability.name}`,
    description: `${availability.id}: ${availability.description} Runbook: ${availability.runbook}`,
    severity: availability.severity,
    enabled: true,
    scopes: [webTest.id, inputs.appInsightsId],
    evaluationFrequency: isoMinutes(availability.frequencyMinutes),
    windowSize: isoMinutes(availability.windowMinutes),
    autoMitigate: true,
    criteria: {
      odataType: 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria',
      webTestId: webTest.id,
      componentId: inputs.appInsightsId,
      failedLocationCount: availability.failedLocationCount,
    },
    actions: [{ actionGroupId: actionGroupIds[routeFor(availability).name] }],
  }).id;

  for (const rule of ALERT_RULES) {
    if (rule.kind === 'log') alertIds[rule.id] = createLogAlert(inputs, rule, actionGroupIds).id;
  }

  const workbookIds: Record<string, pulumi.Output<string>> = {};
  for (const dashboard of DASHBOARDS) {
    workbookIds[dashboard.id] = new applicationinsights.Workbook(
      `${inputs.prefix}-${dashboard.id}`,
      {
        ...base,
        location: inputs.location,
        // Workbooks are addressed by GUID; a stable one keeps the same workbook per stack.
        resourceName: stableGuid(`${inputs.prefix}/${dashboard.id}`),
        kind: 'shared',
        category: 'workbook',
        displayName: `${dashboard.title} (${inputs.prefix})`,
        sourceId: inputs.appInsightsId,
        serializedData: pulumi
          .output(inputs.appInsightsId)
          .apply((id) => JSON.stringify(buildWorkbook(dashboard, id))),
      },
    ).id;
  }

  return { actionGroupIds, webTestId: webTest.id, alertIds, workbookIds };
}

function createActionGroup(inputs: AlertingInputs, route: AlertRoute): monitor.ActionGroup {
  const uses = (channel: string) => route.channels.includes(channel as never);
  const emails = route.name === 'critical' ? inputs.criticalEmails : inputs.warningEmails;
  const phones = inputs.pagerPhones ?? [];

  return new monitor.ActionGroup(`${inputs.prefix}-${route.name}`, {
    resourceGroupName: inputs.resourceGroupName,
    tags: inputs.tags,
    location: 'Global',
    actionGroupName: `${inputs.prefix}-${route.name}`,
    groupShortName: route.shortName,
    enabled: true,
    emailReceivers: uses('email')
      ? emails.map((emailAddress, index) => ({
          name: `${route.name}-email-${index + 1}`,
          emailAddress,
          useCommonAlertSchema: true,
        }))
      : [],
    smsReceivers: uses('sms')
      ? phones.map((phone, index) => ({ name: `${route.name}-sms-${index + 1}`, ...phone }))
      : [],
    voiceReceivers: uses('voice')
      ? phones.map((phone, index) => ({ name: `${route.name}-voice-${index + 1}`, ...phone }))
      : [],
    webhookReceivers:
      uses('webhook') && inputs.pagerWebhookUrl !== undefined
        ? [
            {
              name: `${route.name}-pager`,
              serviceUri: inputs.pagerWebhookUrl,
              useCommonAlertSchema: true,
            },
          ]
        : [],
  });
}

function createLogAlert(
  inputs: AlertingInputs,
  rule: LogAlertRule,
  actionGroupIds: Alerting['actionGroupIds'],
): monitor.ScheduledQueryRule {
  const name = `${inputs.prefix}-${rule.name}`;
  return new monitor.ScheduledQueryRule(name, {
    resourceGroupName: inputs.resourceGroupName,
    tags: inputs.tags,
    location: inputs.location,
    ruleName: name,
    kind: 'LogAlert',
    displayName: `${rule.id} ${queryById(rule.id).title}`,
    description: `${rule.description} Runbook: ${rule.runbook}`,
    severity: rule.severity,
    enabled: true,
    scopes: [inputs.appInsightsId],
    evaluationFrequency: isoMinutes(rule.frequencyMinutes),
    windowSize: isoMinutes(rule.windowMinutes),
    autoMitigate: true,
    criteria: {
      allOf: [
        {
          query: queryById(rule.id).text,
          timeAggregation: rule.aggregation,
          ...(rule.aggregation === 'Count' ? {} : { metricMeasureColumn: rule.measureColumn }),
          operator: rule.operator,
          threshold: rule.threshold,
          dimensions: (rule.dimensions ?? []).map((dimension) => ({
            name: dimension,
            operator: 'Include',
            values: ['*'],
          })),
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
        },
      ],
    },
    actions: { actionGroups: [actionGroupIds[routeFor(rule).name]] },
  });
}
