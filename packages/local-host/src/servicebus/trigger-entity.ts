/**
 * Reads a Service Bus trigger's options (`queueName`, or `topicName` with
 * `subscriptionName`, `connection`, `isSessionsEnabled`) the way the Functions Service
 * Bus extension does: `%Setting%` names resolve from app settings, and an entity path
 * ending in `/$deadletterqueue` reads that entity's dead-letter queue.
 */
import type { RegisteredFunction } from '../core/function-app.js';
import { HostError } from '../host-error.js';

/** The entity a Service Bus trigger receives from. */
export type TriggerEntity =
  | { kind: 'queue'; queueName: string; deadLetter: boolean; sessions: boolean }
  | {
      kind: 'subscription';
      topicName: string;
      subscriptionName: string;
      deadLetter: boolean;
      sessions: boolean;
    };

/** Looks up an app setting (environment variable) by name. */
export type SettingLookup = (name: string) => string | undefined;

/** The connection setting name the extension uses when a trigger names none. */
export const DEFAULT_CONNECTION_SETTING = 'AzureWebJobsServiceBus';

const DEAD_LETTER_SUFFIX = /\/\$deadletterqueue$/i;

function resolveSettingReferences(fn: RegisteredFunction, value: string, settings: SettingLookup) {
  return value.replace(/%([^%]+)%/g, (_match, name: string) => {
    const resolved = settings(name);
    if (resolved === undefined) {
      throw new HostError(
        'CONNECTION_MISSING',
        `function '${fn.name}' refers to app setting '${name}', which is not set`,
      );
    }
    return resolved;
  });
}

function option(fn: RegisteredFunction, name: string, settings: SettingLookup): string | undefined {
  const value = fn.trigger[name];
  return typeof value === 'string' ? resolveSettingReferences(fn, value, settings) : undefined;
}

/** A short name for logs: `hl7-inbound`, `hl7-results/Subscriptions/delivery/$DeadLetterQueue`. */
export function describeEntity(entity: TriggerEntity): string {
  const base =
    entity.kind === 'queue'
      ? entity.queueName
      : `${entity.topicName}/Subscriptions/${entity.subscriptionName}`;
  return entity.deadLetter ? `${base}/$DeadLetterQueue` : base;
}

/**
 * The entity `fn` receives from.
 * @throws {HostError} CONNECTION_MISSING for an unset `%Setting%`; UNSUPPORTED_BINDING when
 *   neither a queue nor a topic and subscription is named, or sessions are asked of a
 *   dead-letter queue (dead-letter queues have no sessions).
 */
export function triggerEntity(fn: RegisteredFunction, settings: SettingLookup): TriggerEntity {
  const sessions = fn.trigger.isSessionsEnabled === true;
  const queueName = option(fn, 'queueName', settings);
  const topicName = option(fn, 'topicName', settings);
  const subscriptionName = option(fn, 'subscriptionName', settings);

  let entity: TriggerEntity;
  if (queueName) {
    const deadLetter = DEAD_LETTER_SUFFIX.test(queueName);
    entity = {
      kind: 'queue',
      queueName: queueName.replace(DEAD_LETTER_SUFFIX, ''),
      deadLetter,
      sessions,
    };
  } else if (topicName && subscriptionName) {
    entity = {
      kind: 'subscription',
      topicName,
      subscriptionName: subscriptionName.replace(DEAD_LETTER_SUFFIX, ''),
      deadLetter: DEAD_LETTER_SUFFIX.test(subscriptionName),
      sessions,
    };
  } else {
    throw new HostError(
      'UNSUPPORTED_BINDING',
      `function '${fn.name}' names neither queueName nor topicName with subscriptionName`,
    );
  }

  if (entity.deadLetter && sessions) {
    throw new HostError(
      'UNSUPPORTED_BINDING',
      `function '${fn.name}' asks for sessions on a dead-letter queue, which has none`,
    );
  }
  return entity;
}

/**
 * The connection string for the trigger's `connection` setting: the setting itself, or
 * the host's default connection string when the setting is not set.
 * @throws {HostError} CONNECTION_MISSING when neither gives a connection string.
 */
export function triggerConnectionString(
  fn: RegisteredFunction,
  settings: SettingLookup,
  defaultConnectionString: string | undefined,
): string {
  const name =
    typeof fn.trigger.connection === 'string' ? fn.trigger.connection : DEFAULT_CONNECTION_SETTING;
  const value = settings(name) ?? settings(`${name}__connectionString`) ?? defaultConnectionString;
  if (!value) {
    throw new HostError(
      'CONNECTION_MISSING',
      `function '${fn.name}' uses connection '${name}': set it, or give the host serviceBusConnectionString`,
    );
  }
  return value;
}
