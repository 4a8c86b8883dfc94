/**
 * The Service Bus namespace and its entities, from `config/servicebus.json`: Standard in
 * dev, Premium with zone redundancy in prod. Local (SAS) authentication is off, so the only
 * way in is an Entra identity with a data role on an entity.
 */
import * as pulumi from '@pulumi/pulumi';
import * as servicebus from '@pulumi/azure-native/servicebus/index.js';

import { diagnostics, type StackContext } from './context.js';
import type { BusEntities } from './servicebus-entities.js';

/** The namespace and the resource ids role assignments are scoped to. */
export interface ServiceBus {
  namespace: servicebus.Namespace;
  /** `<namespace>.servicebus.windows.net`. */
  fullyQualifiedNamespace: pulumi.Output<string>;
  queueIds: Record<string, pulumi.Output<string>>;
  topicIds: Record<string, pulumi.Output<string>>;
  /** By `<topic>/<subscription>`. */
  subscriptionIds: Record<string, pulumi.Output<string>>;
}

/** Creates the namespace, queues, topics, subscriptions and rules. */
export function createServiceBus(ctx: StackContext, entities: BusEntities): ServiceBus {
  const { settings } = ctx;
  const premium = settings.serviceBusSku === 'Premium';
  const namespace = new servicebus.Namespace(`${ctx.prefix}-sb`, {
    resourceGroupName: ctx.resourceGroupName,
    location: ctx.location,
    tags: ctx.tags,
    sku: {
      name: settings.serviceBusSku,
      tier: settings.serviceBusSku,
      ...(premium ? { capacity: settings.serviceBusCapacity } : {}),
    },
    zoneRedundant: premium && settings.zoneRedundant,
    ...(premium ? { premiumMessagingPartitions: 1 } : {}),
    minimumTlsVersion: '1.2',
    disableLocalAuth: true,
    publicNetworkAccess: settings.privateNetworking.enabled ? 'Disabled' : 'Enabled',
  });
  const parent = { resourceGroupName: ctx.resourceGroupName, namespaceName: namespace.name };

  const queueIds: Record<string, pulumi.Output<string>> = {};
  for (const queue of entities.queues) {
    queueIds[queue.name] = new servicebus.Queue(`${ctx.prefix}-${queue.name}`, {
      ...parent,
      queueName: queue.name,
      ...queue.properties,
    }).id;
  }

  const topicIds: Record<string, pulumi.Output<string>> = {};
  const subscriptionIds: Record<string, pulumi.Output<string>> = {};
  for (const topic of entities.topics) {
    const created = new servicebus.Topic(`${ctx.prefix}-${topic.name}`, {
      ...parent,
      topicName: topic.name,
      ...topic.properties,
    });
    topicIds[topic.name] = created.id;

    for (const subscription of topic.subscriptions) {
      const sub = new servicebus.Subscription(`${ctx.prefix}-${topic.name}-${subscription.name}`, {
        ...parent,
        topicName: created.name,
        subscriptionName: subscription.name,
        ...subscription.properties,
      });
      subscriptionIds[`${topic.name}/${subscription.name}`] = sub.id;

      for (const rule of subscription.rules) {
        new servicebus.Rule(`${ctx.prefix}-${topic.name}-${subscription.name}-${rule.name}`, {
          ...parent,
          topicName: created.name,
          subscriptionName: sub.name,
          ruleName: rule.name,
          filterType: rule.filterType,
          ...(rule.sqlExpression === undefined
            ? {}
            : { sqlFilter: { sqlExpression: rule.sqlExpression } }),
          ...(rule.correlation === undefined ? {} : { correlationFilter: rule.correlation }),
        });
      }
    }
  }

  diagnostics(ctx, `${ctx.prefix}-sb`, namespace.id, 'logs-and-metrics');
  return {
    namespace,
    fullyQualifiedNamespace: pulumi.interpolate`${namespace.name}.servicebus.windows.net`,
    queueIds,
    topicIds,
    subscriptionIds,
  };
}
