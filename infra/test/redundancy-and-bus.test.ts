/**
 * Production is zone- and geo-redundant, development is not; and every stack's bus entities
 * are those of config/servicebus.json, the file the local broker runs on, setting by setting.
 */
import { readFileSync } from 'node:fs';

import { beforeAll, describe, expect, it } from 'vitest';

import { runStack, stackSettings, type StackRun } from './harness.js';

const LOCAL_BROKER_FILE = new URL('../../config/servicebus.json', import.meta.url);

describe('prod', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack(stackSettings('prod'));
  });

  it('is zone-redundant: Service Bus Premium, the plan, and storage', () => {
    const [namespace] = run.ofType('azure-native:servicebus:Namespace');
    expect(namespace!.inputs.sku).toMatchObject({ name: 'Premium', tier: 'Premium' });
    expect(namespace!.inputs.zoneRedundant).toBe(true);
    const plans = run.ofType('azure-native:web:AppServicePlan');
    expect(plans).toHaveLength(1);
    expect(plans[0]!.inputs).toMatchObject({
      zoneRedundant: true,
      sku: { tier: 'ElasticPremium' },
    });
    expect(plans[0]!.inputs.targetWorkerCount).toBeGreaterThanOrEqual(3);
  });

  it('is geo-redundant: storage replicates to the paired region', () => {
    const [account] = run.ofType('azure-native:storage:StorageAccount');
    expect((account!.inputs.sku as { name: string }).name).toMatch(/^Standard_(RA)?G(Z)?RS$/);
    expect((account!.inputs.sku as { name: string }).name).toContain('Z');
  });

  it('reaches Storage, Service Bus and Key Vault over private endpoints only', () => {
    const endpoints = run.ofType('azure-native:network:PrivateEndpoint');
    const groups = endpoints.flatMap((endpoint) =>
      (endpoint.inputs.privateLinkServiceConnections as { groupIds: string[] }[]).flatMap(
        (c) => c.groupIds,
      ),
    );
    expect(groups.sort()).toEqual(['blob', 'namespace', 'table', 'vault']);
    expect(run.ofType('azure-native:storage:StorageAccount')[0]!.inputs.publicNetworkAccess).toBe(
      'Disabled',
    );
    expect(run.ofType('azure-native:servicebus:Namespace')[0]!.inputs.publicNetworkAccess).toBe(
      'Disabled',
    );
    for (const site of run.ofType('azure-native:web:WebApp')) {
      expect(site.inputs.virtualNetworkSubnetId).toBeDefined();
    }
  });

  it('enables Defender plans and assigns the HIPAA/HITRUST initiative to the group', () => {
    const plans = run
      .ofType('azure-native:security:Pricing')
      .map((plan) => plan.inputs.pricingName);
    expect(plans.sort()).toEqual(['AppServices', 'KeyVaults', 'StorageAccounts']);
    const [assignment] = run.ofType('azure-native:authorization:PolicyAssignment');
    expect(assignment!.inputs.scope).toBe(
      run.ofType('azure-native:resources:ResourceGroup')[0]!.id,
    );
    expect(assignment!.inputs.policyDefinitionId).toMatch(
      /policySetDefinitions\/a169a624-5599-4385-a696-c8d643089fab$/,
    );
  });

  it('keeps always-ready instances and scale limits from the stack file', () => {
    for (const site of run.ofType('azure-native:web:WebApp')) {
      const app = site.name.replace('hl7gw-prod-', '') as 'ingest';
      const config = site.inputs.siteConfig as Record<string, unknown>;
      expect(config.minimumElasticInstanceCount).toBe(run.settings.scale[app].alwaysReadyInstances);
      expect(config.functionAppScaleLimit).toBe(run.settings.scale[app].maximumInstanceCount);
    }
  });
});

describe('dev', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack(stackSettings('dev'));
  });

  it('runs on Flex Consumption with Service Bus Standard and local redundancy', () => {
    expect(run.ofType('azure-native:servicebus:Namespace')[0]!.inputs.sku).toMatchObject({
      name: 'Standard',
    });
    const plans = run.ofType('azure-native:web:AppServicePlan');
    expect(plans).toHaveLength(3);
    for (const plan of plans)
      expect(plan.inputs.sku).toEqual({ name: 'FC1', tier: 'FlexConsumption' });
  });

  it('deploys each app from its own container with its identity, scale from the stack file', () => {
    for (const site of run.ofType('azure-native:web:WebApp')) {
      const app = site.name.replace('hl7gw-dev-', '') as 'ingest';
      const flex = site.inputs.functionAppConfig as {
        deployment: { storage: unknown };
        scaleAndConcurrency: { maximumInstanceCount: number };
      };
      expect(flex.deployment.storage).toMatchObject({
        type: 'blobContainer',
        value: expect.stringMatching(new RegExp(`/deploy-${app}$`)),
        authentication: { type: 'SystemAssignedIdentity' },
      });
      expect(flex.scaleAndConcurrency.maximumInstanceCount).toBe(
        run.settings.scale[app].maximumInstanceCount,
      );
    }
  });

  it('creates no private networking, Defender plan or policy assignment', () => {
    expect(run.ofType('azure-native:network:VirtualNetwork')).toHaveLength(0);
    expect(run.ofType('azure-native:security:Pricing')).toHaveLength(0);
    expect(run.ofType('azure-native:authorization:PolicyAssignment')).toHaveLength(0);
  });

  it('creates the bus entities of the local broker file with the same settings', () => {
    const file = JSON.parse(readFileSync(LOCAL_BROKER_FILE, 'utf8'));
    const namespace = file.UserConfig.Namespaces[0];
    const camel = (props: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(props).map(([k, v]) => [k[0]!.toLowerCase() + k.slice(1), v]),
      );

    const queues = run.ofType('azure-native:servicebus:Queue');
    expect(queues.map((q) => q.inputs.queueName).sort()).toEqual(
      namespace.Queues.map((q: { Name: string }) => q.Name).sort(),
    );
    for (const queue of namespace.Queues) {
      const created = queues.find((q) => q.inputs.queueName === queue.Name)!;
      expect(created.inputs).toMatchObject(camel(queue.Properties));
    }

    const topics = run.ofType('azure-native:servicebus:Topic');
    const subscriptions = run.ofType('azure-native:servicebus:Subscription');
    const rules = run.ofType('azure-native:servicebus:Rule');
    expect(topics).toHaveLength(namespace.Topics.length);
    for (const topic of namespace.Topics) {
      const created = topics.find((t) => t.inputs.topicName === topic.Name)!;
      expect(created.inputs).toMatchObject(camel(topic.Properties));
      for (const subscription of topic.Subscriptions) {
        const sub = subscriptions.find((s) => s.inputs.subscriptionName === subscription.Name)!;
        expect(sub, subscription.Name).toBeDefined();
        expect(sub.inputs).toMatchObject(camel(subscription.Properties));
        for (const rule of subscription.Rules ?? []) {
          const createdRule = rules.find((r) => r.inputs.ruleName === rule.Name)!;
          expect(createdRule.inputs).toMatchObject({
            subscriptionName: subscription.Name,
            filterType: 'SqlFilter',
            sqlFilter: { sqlExpression: rule.Properties.SqlFilter.SqlExpression },
          });
        }
      }
      const expectedRules = topic.Subscriptions.flatMap(
        (s: { Rules?: unknown[] }) => s.Rules ?? [],
      );
      expect(rules).toHaveLength(expectedRules.length);
    }
  });

  it('tells the deadletter app every result subscription whose dead letters it parks', () => {
    const site = run
      .ofType('azure-native:web:WebApp')
      .find((s) => s.name === 'hl7gw-dev-deadletter')!;
    const settings = (site.inputs.siteConfig as { appSettings: { name: string; value: string }[] })
      .appSettings;
    const subscriptions = settings
      .find((s) => s.name === 'HL7GW_RESULT_SUBSCRIPTIONS')!
      .value.split(',');
    expect(subscriptions.sort()).toEqual(
      run
        .ofType('azure-native:servicebus:Subscription')
        .map((s) => s.inputs.subscriptionName)
        .sort(),
    );
  });
});

describe.each(['dev', 'staging', 'prod'])('budget of %s', (stack) => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack(stackSettings(stack));
  });

  it('sets the stack file amount on the resource group, alerting at 80% and 100%', () => {
    const [budget] = run.ofType('azure-native:consumption:Budget');
    expect(budget!.inputs).toMatchObject({
      scope: run.ofType('azure-native:resources:ResourceGroup')[0]!.id,
      amount: run.settings.budgetMonthlyAmount,
      timeGrain: 'Monthly',
      category: 'Cost',
    });
    const notifications = Object.values(
      budget!.inputs.notifications as Record<
        string,
        { threshold: number; thresholdType: string; contactGroups: string[]; enabled: boolean }
      >,
    );
    const actual = notifications
      .filter((n) => n.thresholdType === 'Actual')
      .map((n) => n.threshold);
    expect(actual.sort()).toEqual([100, 80]);
    const actionGroup = run.ofType('azure-native:monitor:ActionGroup')[0]!;
    for (const notification of notifications) {
      expect(notification.enabled).toBe(true);
      expect(notification.contactGroups).toEqual([actionGroup.id]);
    }
  });
});
