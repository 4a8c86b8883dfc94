/**
 * The bus entities, read from `config/servicebus.json`: the file the local broker (and
 * Microsoft's emulator) loads. Production gets the same queues, topics, subscriptions and
 * rules with the same settings, because they come from the same file.
 */
import { readFileSync } from 'node:fs';

/** The settings of a queue, topic or subscription, in ARM's camelCase names. */
export type EntityProperties = Record<string, string | number | boolean>;

/** A subscription rule, as ARM takes it. */
export interface EntityRule {
  name: string;
  filterType: 'SqlFilter' | 'CorrelationFilter';
  sqlExpression?: string;
  correlation?: Record<string, unknown>;
}

/** One topic subscription. */
export interface EntitySubscription {
  name: string;
  properties: EntityProperties;
  rules: EntityRule[];
}

/** The entities of the namespace. */
export interface BusEntities {
  queues: { name: string; properties: EntityProperties }[];
  topics: { name: string; properties: EntityProperties; subscriptions: EntitySubscription[] }[];
}

/** Where the shared file is, from this module (src/ or dist/ under infra/). */
export const SERVICE_BUS_CONFIG_URL = new URL('../../config/servicebus.json', import.meta.url);

// The emulator's property names that ARM also has, each taken as is after camel-casing.
// Anything else in the file is an error here rather than a setting silently dropped.
const KNOWN_PROPERTIES = new Set([
  'DeadLetteringOnMessageExpiration',
  'DeadLetteringOnFilterEvaluationExceptions',
  'DefaultMessageTimeToLive',
  'DuplicateDetectionHistoryTimeWindow',
  'ForwardDeadLetteredMessagesTo',
  'ForwardTo',
  'LockDuration',
  'MaxDeliveryCount',
  'RequiresDuplicateDetection',
  'RequiresSession',
]);

interface RawEntity {
  Name?: unknown;
  Properties?: Record<string, unknown>;
  Subscriptions?: RawEntity[];
  Rules?: { Name?: unknown; Properties?: Record<string, unknown> }[];
}

/**
 * Reads and converts the entity file. Throws `Error` naming the entity and property when
 * the file has something this program cannot create.
 */
export function loadBusEntities(url: URL = SERVICE_BUS_CONFIG_URL): BusEntities {
  const file = JSON.parse(readFileSync(url, 'utf8')) as {
    UserConfig?: { Namespaces?: { Queues?: RawEntity[]; Topics?: RawEntity[] }[] };
  };
  const namespaces = file.UserConfig?.Namespaces ?? [];
  if (namespaces.length !== 1)
    throw new Error('servicebus.json must declare exactly one namespace');
  const namespace = namespaces[0]!;

  return {
    queues: (namespace.Queues ?? []).map((queue) => ({
      name: entityName(queue, 'queue'),
      properties: properties(queue, 'queue'),
    })),
    topics: (namespace.Topics ?? []).map((topic) => {
      const topicName = entityName(topic, 'topic');
      return {
        name: topicName,
        properties: properties(topic, `topic ${topicName}`),
        subscriptions: (topic.Subscriptions ?? []).map((subscription) => {
          const name = entityName(subscription, `subscription of ${topicName}`);
          return {
            name,
            properties: properties(subscription, `subscription ${topicName}/${name}`),
            rules: (subscription.Rules ?? []).map((rule) => toRule(rule, `${topicName}/${name}`)),
          };
        }),
      };
    }),
  };
}

function entityName(entity: RawEntity, what: string): string {
  if (typeof entity.Name !== 'string' || entity.Name === '') {
    throw new Error(`servicebus.json: a ${what} has no Name`);
  }
  return entity.Name;
}

function properties(entity: RawEntity, where: string): EntityProperties {
  const result: EntityProperties = {};
  for (const [key, value] of Object.entries(entity.Properties ?? {})) {
    if (!KNOWN_PROPERTIES.has(key)) {
      throw new Error(`servicebus.json: ${where} has property ${key}, unknown to this program`);
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new Error(`servicebus.json: ${where} property ${key} must be a scalar`);
    }
    result[key.charAt(0).toLowerCase() + key.slice(1)] = value;
  }
  return result;
}

function toRule(rule: { Name?: unknown; Properties?: Record<string, unknown> }, where: string) {
  const name = typeof rule.Name === 'string' ? rule.Name : '';
  const props = rule.Properties ?? {};
  if (name === '') throw new Error(`servicebus.json: a rule of ${where} has no Name`);

  if (props.FilterType === 'Sql') {
    const sql = props.SqlFilter as { SqlExpression?: unknown } | undefined;
    if (typeof sql?.SqlExpression !== 'string') {
      throw new Error(`servicebus.json: rule ${where}/${name} has no SqlExpression`);
    }
    return { name, filterType: 'SqlFilter', sqlExpression: sql.SqlExpression } as EntityRule;
  }
  if (props.FilterType === 'Correlation') {
    const correlation = props.CorrelationFilter as Record<string, unknown> | undefined;
    if (correlation === undefined) {
      throw new Error(`servicebus.json: rule ${where}/${name} has no CorrelationFilter`);
    }
    const converted = Object.fromEntries(
      Object.entries(correlation).map(([key, value]) => [
        key.charAt(0).toLowerCase() + key.slice(1),
        value,
      ]),
    );
    return { name, filterType: 'CorrelationFilter', correlation: converted } as EntityRule;
  }
  throw new Error(
    `servicebus.json: rule ${where}/${name} has FilterType other than Sql/Correlation`,
  );
}
