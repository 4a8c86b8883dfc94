import { ALERT_RULES, DASHBOARDS } from '@hl7gw/infra-monitoring';
import { beforeAll, describe, expect, it } from 'vitest';

import { runStack, stackSettings, type StackRun } from './harness.js';

describe.each(['dev', 'prod'])('the %s stack', (stack) => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack(stackSettings(stack));
  });

  it('creates every alert rule, both routes, the health test and the workbooks', () => {
    const logRules = ALERT_RULES.filter((rule) => rule.kind === 'log');

    expect(run.ofType('azure-native:monitor:ScheduledQueryRule')).toHaveLength(logRules.length);
    expect(run.ofType('azure-native:monitor:MetricAlert')).toHaveLength(1);
    expect(run.ofType('azure-native:applicationinsights:Workbook')).toHaveLength(DASHBOARDS.length);
    const groups = run.ofType('azure-native:monitor:ActionGroup').map((group) => group.name);
    expect(groups).toEqual(
      expect.arrayContaining([`hl7gw-${stack}-critical`, `hl7gw-${stack}-warning`]),
    );
  });

  it("points the availability test at the ingest app's /api/health", () => {
    const [test] = run.ofType('azure-native:applicationinsights:WebTest');
    const ingest = run
      .ofType('azure-native:web:WebApp')
      .find((app) => app.name.endsWith('-ingest'));

    expect(test!.inputs.request).toMatchObject({
      requestUrl: `https://${ingest!.name}.azurewebsites.net/api/health`,
    });
  });

  it('scopes every log alert to the Application Insights component', () => {
    const [component] = run.ofType('azure-native:applicationinsights:Component');

    for (const rule of run.ofType('azure-native:monitor:ScheduledQueryRule')) {
      expect(rule.inputs.scopes).toEqual([component!.id]);
    }
  });
});
