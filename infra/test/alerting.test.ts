import * as pulumi from '@pulumi/pulumi';
import { ALERT_RULES, queryBody, queryById } from '@hl7gw/infra-monitoring';
import { beforeAll, describe, expect, it } from 'vitest';

import { createAlerting, type Alerting } from '../src/alerting.js';

interface Registered {
  type: string;
  name: string;
  id: string;
  // The registered inputs mirror Azure's nested argument shapes; the assertions type them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inputs: Record<string, any>;
}

const APP_INSIGHTS =
  '/subscriptions/s/resourceGroups/rg/providers/microsoft.insights/components/ai';
const resources: Registered[] = [];
let alerting: Alerting;

const ofType = (type: string) => resources.filter((resource) => resource.type === type);
const resolve = <T>(value: pulumi.Input<T>) =>
  new Promise<T>((done) => pulumi.output(value).apply((resolved) => done(resolved as T)));

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const id = `mock:${args.type}:${args.name}`;
        resources.push({ type: args.type, name: args.name, id, inputs: args.inputs });
        return { id, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    'hl7gw',
    'test',
    false,
  );
  alerting = createAlerting({
    prefix: 'hl7gw-test',
    resourceGroupName: 'rg',
    location: 'westeurope',
    tags: { environment: 'test' },
    appInsightsId: APP_INSIGHTS,
    healthUrl: 'https://ingest.example.net/api/health',
    warningEmails: ['team@example.org'],
    criticalEmails: ['oncall@example.org'],
    pagerPhones: [{ countryCode: '44', phoneNumber: '7700900123' }],
    pagerWebhookUrl: 'https://pager.example.org/hook',
  });
  await resolve(pulumi.all(Object.values(alerting.alertIds)));
  await resolve(pulumi.all(Object.values(alerting.workbookIds)));
});

describe('alerting', () => {
  it('routes critical alerts to a paging group and warnings to an email-only group', () => {
    const groups = ofType('azure-native:monitor:ActionGroup');
    const critical = groups.find((group) => group.name.endsWith('-critical'))!.inputs;
    const warning = groups.find((group) => group.name.endsWith('-warning'))!.inputs;

    expect(groups).toHaveLength(2);
    expect(critical.smsReceivers).toHaveLength(1);
    expect(critical.voiceReceivers).toHaveLength(1);
    expect(critical.webhookReceivers[0].serviceUri).toBe('https://pager.example.org/hook');
    expect(critical.emailReceivers[0].emailAddress).toBe('oncall@example.org');
    expect(warning.smsReceivers).toEqual([]);
    expect(warning.voiceReceivers).toEqual([]);
    expect(warning.webhookReceivers).toEqual([]);
    expect(warning.emailReceivers[0].emailAddress).toBe('team@example.org');
  });

  it('tests /api/health from five locations, linked to the component', () => {
    const [test] = ofType('azure-native:applicationinsights:WebTest');

    expect(test!.inputs.request.requestUrl).toBe('https://ingest.example.net/api/health');
    expect(test!.inputs.kind).toBe('standard');
    expect(test!.inputs.locations).toHaveLength(5);
    expect(test!.inputs.validationRules.expectedHttpStatusCode).toBe(200);
    expect(test!.inputs.tags[`hidden-link:${APP_INSIGHTS}`]).toBe('Resource');
  });

  it('fires ALERT-001 when two locations fail within 5 minutes, and pages', () => {
    const [alert] = ofType('azure-native:monitor:MetricAlert');

    expect(alert!.inputs).toMatchObject({ severity: 0, windowSize: 'PT5M' });
    expect(alert!.inputs.criteria).toMatchObject({
      odataType: 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria',
      failedLocationCount: 2,
      componentId: APP_INSIGHTS,
    });
    expect(alert!.inputs.actions[0].actionGroupId).toContain('-critical');
  });

  it('creates one log alert per KQL alert with its file, threshold and window', () => {
    const rules = ofType('azure-native:monitor:ScheduledQueryRule');
    const logRules = ALERT_RULES.filter((rule) => rule.kind === 'log');

    expect(rules).toHaveLength(logRules.length);
    for (const rule of logRules) {
      const created = rules.find((candidate) => candidate.inputs.displayName.startsWith(rule.id));
      const [criterion] = created!.inputs.criteria.allOf;
      expect(criterion.query).toBe(queryById(rule.id).text);
      expect(criterion.threshold).toBe(rule.threshold);
      expect(created!.inputs.scopes).toEqual([APP_INSIGHTS]);
    }
  });

  it('keeps the specified thresholds: errors above 1% over 15 min, P95 above 5,000 ms over 5 min', () => {
    const rules = ofType('azure-native:monitor:ScheduledQueryRule');
    const byId = (id: string) => rules.find((rule) => rule.inputs.displayName.startsWith(id))!;

    expect(byId('ALERT-002').inputs).toMatchObject({ windowSize: 'PT15M', severity: 1 });
    expect(byId('ALERT-002').inputs.criteria.allOf[0]).toMatchObject({
      operator: 'GreaterThan',
      threshold: 1,
      metricMeasureColumn: 'errorRatePercent',
    });
    expect(byId('ALERT-003').inputs).toMatchObject({ windowSize: 'PT5M' });
    expect(byId('ALERT-003').inputs.criteria.allOf[0]).toMatchObject({
      operator: 'GreaterThan',
      threshold: 5000,
    });
    expect(byId('ALERT-002').inputs.actions.actionGroups[0]).toContain('-critical');
    expect(byId('ALERT-003').inputs.actions.actionGroups[0]).toContain('-warning');
  });

  it('publishes the three workbooks with the queries of the KQL files', () => {
    const workbooks = ofType('azure-native:applicationinsights:Workbook');

    expect(workbooks.map((workbook) => workbook.inputs.displayName)).toEqual([
      'HL7 gateway: API performance (hl7gw-test)',
      'HL7 gateway: business KPIs (hl7gw-test)',
      'HL7 gateway: dead letters (hl7gw-test)',
    ]);
    const business = JSON.parse(workbooks[1]!.inputs.serializedData);
    expect(business.fallbackResourceIds).toEqual([APP_INSIGHTS]);
    const tile = business.items.find((item: { name: string }) => item.name.startsWith('BIZ-003'));
    expect(tile.content.query).toBe(queryBody(queryById('BIZ-003')));
  });
});
