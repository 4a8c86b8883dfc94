/**
 * The broker's entities, read from a `Config.json` in the format of Microsoft's Service Bus
 * emulator (`UserConfig.Namespaces[].Queues` and `.Topics`), so one file serves both.
 */

import { ConfigError } from './config-error.js';
import { ConfigReader, type JsonObject } from './config-reader.js';
import { readRule } from './config-rules.js';
import { parseDurationMs } from './duration.js';
import type { RuleConfig } from './filters/index.js';

export { ConfigError, isConfigError, type ConfigErrorCode } from './config-error.js';

/** The settings of an entity that holds messages: a queue or a subscription. */
export interface EntityProperties {
  /** How long a peek-lock lasts before the message is delivered again. */
  readonly lockDurationMs: number;
  /** Deliveries after which a message goes to the dead-letter queue. */
  readonly maxDeliveryCount: number;
  /** TTL of a message that states none; a message's own TTL is capped to it. */
  readonly defaultMessageTimeToLiveMs: number;
  /** Whether an expired message goes to the dead-letter queue rather than away. */
  readonly deadLetteringOnMessageExpiration: boolean;
  /** Whether a second message with a `messageId` seen within the window is dropped. */
  readonly requiresDuplicateDetection: boolean;
  readonly duplicateDetectionHistoryTimeWindowMs: number;
  /** Whether receivers must accept sessions and every message must carry a session id. */
  readonly requiresSession: boolean;
  /** A queue or topic that receives every message sent here, when set. */
  readonly forwardTo?: string;
  /** A queue or topic that receives every message dead-lettered here, when set. */
  readonly forwardDeadLetteredMessagesTo?: string;
}

/**
 * The settings of a topic. Its TTL caps the messages sent to it; each subscription's own
 * default TTL then applies on top.
 */
export interface TopicProperties {
  readonly defaultMessageTimeToLiveMs: number;
  readonly requiresDuplicateDetection: boolean;
  readonly duplicateDetectionHistoryTimeWindowMs: number;
}

/** A queue and its settings. */
export interface QueueConfig {
  readonly name: string;
  readonly properties: EntityProperties;
}

/**
 * A subscription, its settings and its rules; no rules means every message. A subscription
 * has no duplicate detection of its own (its topic has), so those two fields hold defaults.
 */
export interface SubscriptionConfig {
  readonly name: string;
  readonly properties: EntityProperties;
  readonly rules: readonly RuleConfig[];
}

/** A topic, its settings and its subscriptions. */
export interface TopicConfig {
  readonly name: string;
  readonly properties: TopicProperties;
  readonly subscriptions: readonly SubscriptionConfig[];
}

/** Every entity the broker serves, and the warnings met while reading them. */
export interface BrokerConfig {
  readonly queues: readonly QueueConfig[];
  readonly topics: readonly TopicConfig[];
  /** Settings that were ignored (unknown keys) or that Azure would refuse; for the host to print. */
  readonly warnings: readonly string[];
}

/** The longest TTL Service Bus knows (`TimeSpan.MaxValue`, its default): in effect, never. */
export const UNLIMITED_TIME_TO_LIVE_MS = parseDurationMs('P10675199DT2H48M5.4775807S');

/**
 * What Service Bus (not its emulator, whose defaults are shorter) gives an entity for a
 * setting the file leaves out.
 */
export const SERVICE_BUS_DEFAULTS: EntityProperties = Object.freeze({
  lockDurationMs: 60_000,
  maxDeliveryCount: 10,
  defaultMessageTimeToLiveMs: UNLIMITED_TIME_TO_LIVE_MS,
  deadLetteringOnMessageExpiration: false,
  requiresDuplicateDetection: false,
  duplicateDetectionHistoryTimeWindowMs: 600_000,
  requiresSession: false,
});

/** Azure accepts lock durations from 5 s to 5 min; shorter ones are fine here for tests. */
const AZURE_LOCK_DURATION_RANGE_MS = [5_000, 300_000] as const;

/** Queue and topic names may be longer than subscription and rule names. */
const MAX_ENTITY_NAME_LENGTH = 260;
const MAX_SUBSCRIPTION_NAME_LENGTH = 50;

/**
 * Reads a `Config.json` into the broker's entities, with Service Bus's defaults for settings
 * left out, ISO 8601 durations in milliseconds, and every rule compiled once to prove it runs.
 * Unknown settings are ignored with a warning; `Logging` is accepted and has no effect.
 * Several namespaces are merged into one, since one broker serves one namespace: queue and
 * topic names must be unique across all of them, ignoring case as Service Bus does.
 *
 * @throws ConfigError naming the JSON path of the first setting at fault: `INVALID_JSON`,
 *   `MISSING_SETTING`, `INVALID_SETTING` (also for a forward to no queue or topic of the
 *   file), `DUPLICATE_NAME` or `INVALID_RULE`.
 */
export function loadConfig(jsonText: string): BrokerConfig {
  let document: unknown;
  try {
    document = JSON.parse(jsonText);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError('INVALID_JSON', '', `the configuration is not JSON: ${reason}`, {
      cause: error,
    });
  }
  return parseConfig(document);
}

/**
 * Reads an already parsed `Config.json` document, exactly as `loadConfig` reads its text.
 *
 * @throws ConfigError as `loadConfig` does, except `INVALID_JSON`.
 */
export function parseConfig(document: unknown): BrokerConfig {
  const reader = new ConfigReader();
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ConfigError(
      'INVALID_SETTING',
      '',
      'the configuration must be an object holding UserConfig',
    );
  }
  const root = reader.object(document, '');
  reader.checkKeys(root, ['UserConfig']);
  const userConfig = reader.object(root.fields.UserConfig, 'UserConfig');
  reader.checkKeys(userConfig, ['Namespaces', 'Logging']);

  const entities = new EntityReader(reader);
  for (const namespace of reader.array(userConfig, 'Namespaces')) {
    entities.readNamespace(reader.object(namespace.value, namespace.path));
  }
  entities.checkForwards();

  return { queues: entities.queues, topics: entities.topics, warnings: reader.warnings };
}

/** Reads namespaces one by one, remembering names and forwards to check across all of them. */
class EntityReader {
  readonly queues: QueueConfig[] = [];
  readonly topics: TopicConfig[] = [];
  /** The path of each queue's or topic's `Name`, by its name in lower case. */
  private readonly namePaths = new Map<string, string>();
  private readonly forwards: { target: string; path: string }[] = [];

  constructor(private readonly reader: ConfigReader) {}

  readNamespace(namespace: JsonObject): void {
    this.reader.checkKeys(namespace, ['Name', 'Queues', 'Topics']);
    this.reader.string(namespace, 'Name');

    for (const queue of this.reader.array(namespace, 'Queues')) {
      this.queues.push(this.readQueue(this.reader.object(queue.value, queue.path)));
    }
    for (const topic of this.reader.array(namespace, 'Topics')) {
      this.topics.push(this.readTopic(this.reader.object(topic.value, topic.path)));
    }
  }

  /** Forwarding must name a queue or topic of the file, as Service Bus requires it to exist. */
  checkForwards(): void {
    for (const { target, path } of this.forwards) {
      if (!this.namePaths.has(target.toLowerCase())) {
        throw new ConfigError(
          'INVALID_SETTING',
          path,
          `'${target}' is no queue or topic of this file`,
        );
      }
    }
  }

  private readQueue(queue: JsonObject): QueueConfig {
    this.reader.checkKeys(queue, ['Name', 'Properties']);
    const name = this.readEntityName(queue);

    const properties = this.reader.optionalObject(
      queue.fields.Properties,
      `${queue.path}.Properties`,
    );
    return { name, properties: this.readEntityProperties(properties, true) };
  }

  private readTopic(topic: JsonObject): TopicConfig {
    this.reader.checkKeys(topic, ['Name', 'Properties', 'Subscriptions']);
    const name = this.readEntityName(topic);

    const propertiesPath = `${topic.path}.Properties`;
    const propertiesJson = this.reader.optionalObject(topic.fields.Properties, propertiesPath);
    const properties = this.readTopicProperties(propertiesJson);
    const subscriptions = this.reader
      .array(topic, 'Subscriptions')
      .map((item) => this.readSubscription(this.reader.object(item.value, item.path)));
    checkUnique(subscriptions, `${topic.path}.Subscriptions`, 'subscription');

    return { name, properties, subscriptions };
  }

  private readSubscription(subscription: JsonObject): SubscriptionConfig {
    this.reader.checkKeys(subscription, ['Name', 'Properties', 'Rules']);
    const name = this.reader.name(subscription, MAX_SUBSCRIPTION_NAME_LENGTH);

    const propertiesPath = `${subscription.path}.Properties`;
    const propertiesJson = this.reader.optionalObject(
      subscription.fields.Properties,
      propertiesPath,
    );
    const properties = this.readEntityProperties(propertiesJson, false);
    const rules = this.reader
      .array(subscription, 'Rules')
      .map((item) => readRule(this.reader, this.reader.object(item.value, item.path)));
    checkUnique(rules, `${subscription.path}.Rules`, 'rule');

    return { name, properties, rules };
  }

  private readEntityName(entity: JsonObject): string {
    const name = this.reader.name(entity, MAX_ENTITY_NAME_LENGTH);
    const key = name.toLowerCase();

    const earlier = this.namePaths.get(key);
    if (earlier !== undefined) {
      throw new ConfigError(
        'DUPLICATE_NAME',
        `${entity.path}.Name`,
        `'${name}' is already the name at ${earlier}`,
      );
    }
    this.namePaths.set(key, `${entity.path}.Name`);
    return name;
  }

  private readEntityProperties(
    properties: JsonObject | undefined,
    isQueue: boolean,
  ): EntityProperties {
    if (!properties) return SERVICE_BUS_DEFAULTS;

    const reader = this.reader;
    const defaults = SERVICE_BUS_DEFAULTS;
    reader.checkKeys(properties, [
      'DeadLetteringOnMessageExpiration',
      'DefaultMessageTimeToLive',
      'ForwardDeadLetteredMessagesTo',
      'ForwardTo',
      'LockDuration',
      'MaxDeliveryCount',
      'RequiresSession',
      ...(isQueue ? ['RequiresDuplicateDetection', 'DuplicateDetectionHistoryTimeWindow'] : []),
    ]);

    const lockDurationMs = reader.durationMs(properties, 'LockDuration', defaults.lockDurationMs);
    const [shortestMs, longestMs] = AZURE_LOCK_DURATION_RANGE_MS;
    if (lockDurationMs < shortestMs || lockDurationMs > longestMs) {
      reader.warnings.push(
        `${properties.path}.LockDuration: Azure accepts 5 s to 5 min; used as given`,
      );
    }

    return {
      lockDurationMs,
      maxDeliveryCount: reader.integer(
        properties,
        'MaxDeliveryCount',
        defaults.maxDeliveryCount,
        1,
      ),
      defaultMessageTimeToLiveMs: reader.durationMs(
        properties,
        'DefaultMessageTimeToLive',
        defaults.defaultMessageTimeToLiveMs,
      ),
      deadLetteringOnMessageExpiration: reader.boolean(
        properties,
        'DeadLetteringOnMessageExpiration',
        defaults.deadLetteringOnMessageExpiration,
      ),
      ...this.readDuplicateDetection(isQueue ? properties : undefined),
      requiresSession: reader.boolean(properties, 'RequiresSession', defaults.requiresSession),
      ...this.readForward(properties, 'ForwardTo', 'forwardTo'),
      ...this.readForward(
        properties,
        'ForwardDeadLetteredMessagesTo',
        'forwardDeadLetteredMessagesTo',
      ),
    };
  }

  private readTopicProperties(properties: JsonObject | undefined): TopicProperties {
    const defaultTimeToLiveMs = SERVICE_BUS_DEFAULTS.defaultMessageTimeToLiveMs;
    if (properties) {
      this.reader.checkKeys(properties, [
        'DefaultMessageTimeToLive',
        'DuplicateDetectionHistoryTimeWindow',
        'RequiresDuplicateDetection',
      ]);
    }

    return {
      defaultMessageTimeToLiveMs: properties
        ? this.reader.durationMs(properties, 'DefaultMessageTimeToLive', defaultTimeToLiveMs)
        : defaultTimeToLiveMs,
      ...this.readDuplicateDetection(properties),
    };
  }

  /** Duplicate detection belongs to queues and topics; a subscription gets the defaults. */
  private readDuplicateDetection(
    properties: JsonObject | undefined,
  ): Pick<
    EntityProperties,
    'requiresDuplicateDetection' | 'duplicateDetectionHistoryTimeWindowMs'
  > {
    const defaults = SERVICE_BUS_DEFAULTS;
    if (!properties) {
      return {
        requiresDuplicateDetection: defaults.requiresDuplicateDetection,
        duplicateDetectionHistoryTimeWindowMs: defaults.duplicateDetectionHistoryTimeWindowMs,
      };
    }

    return {
      requiresDuplicateDetection: this.reader.boolean(
        properties,
        'RequiresDuplicateDetection',
        defaults.requiresDuplicateDetection,
      ),
      duplicateDetectionHistoryTimeWindowMs: this.reader.durationMs(
        properties,
        'DuplicateDetectionHistoryTimeWindow',
        defaults.duplicateDetectionHistoryTimeWindowMs,
      ),
    };
  }

  /** An empty forward, as the emulator's sample file writes it, means none. */
  private readForward<Field extends 'forwardTo' | 'forwardDeadLetteredMessagesTo'>(
    properties: JsonObject,
    key: string,
    field: Field,
  ): Partial<Record<Field, string>> {
    const target = this.reader.optionalString(properties, key);
    if (target === undefined) return {};

    this.forwards.push({ target, path: `${properties.path}.${key}` });
    return { [field]: target } as Partial<Record<Field, string>>;
  }
}

function checkUnique(items: readonly { name: string }[], path: string, kind: string): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const key = item.name.toLowerCase();
    if (seen.has(key)) {
      throw new ConfigError(
        'DUPLICATE_NAME',
        `${path}[${index}].Name`,
        `a second ${kind} named '${item.name}'`,
      );
    }
    seen.add(key);
  });
}
