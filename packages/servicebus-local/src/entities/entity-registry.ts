/**
 * Every entity the broker serves, built from the configuration and the store, found by the
 * addresses the `@azure/service-bus` client attaches to.
 */
import { BrokerError } from '../broker-error.js';
import type { BrokerConfig, EntityProperties } from '../config.js';
import { compileRules } from '../filters/index.js';
import type { MessageStore, StoredState } from '../store/message-store.js';
import { DuplicateDetector } from './duplicate-detector.js';
import { MessageQueue, type QueueSettings } from './message-queue.js';
import { QueueEntity } from './queue-entity.js';
import type { SendTarget } from './send-target.js';
import { TopicEntity, type Subscription } from './topic-entity.js';

/** The suffix of a dead-letter queue's path, lower case. */
export const DEAD_LETTER_SUFFIX = '/$deadletterqueue';
/** The suffix of an entity's management node, lower case. */
export const MANAGEMENT_SUFFIX = '/$management';

/** A dead-letter queue keeps messages until received: no expiry, no further dead-lettering. */
const DEAD_LETTER_SETTINGS: QueueSettings = {
  lockDurationMs: 60_000,
  maxDeliveryCount: Number.MAX_SAFE_INTEGER,
  defaultMessageTimeToLiveMs: Number.MAX_SAFE_INTEGER,
  deadLetteringOnMessageExpiration: false,
  requiresSession: false,
};

/**
 * Reads an AMQP address into an entity path as the registry keys it: lower case, without
 * scheme and host, and with `Subscriptions` and `$DeadLetterQueue` in any case.
 */
export function canonicalPath(address: string): string {
  const withoutHost = address.replace(/^[a-z]+:\/\/[^/]+\//i, '');
  return withoutHost.replace(/^\/+/, '').replace(/\/+$/, '').toLowerCase();
}

/** The queues, topics, subscriptions and dead-letter queues of one broker. */
export class EntityRegistry {
  private readonly queues = new Map<string, MessageQueue>();
  private readonly targets = new Map<string, SendTarget>();

  /**
   * Builds the entities of `config` on `store`.
   * @throws FilterError when a subscription rule does not compile; BrokerError NOT_IMPLEMENTED
   *   when an entity asks for auto-forwarding.
   */
  constructor(
    config: BrokerConfig,
    private readonly store: MessageStore,
    private readonly onStoreError: (error: unknown) => void,
  ) {
    for (const queue of config.queues) {
      const path = canonicalPath(queue.name);
      const messageQueue = this.addQueue(path, queue.properties);
      const duplicates = this.detector(path, queue.properties);
      this.targets.set(path, new QueueEntity(messageQueue, store, duplicates, onStoreError));
    }

    for (const topic of config.topics) {
      const path = canonicalPath(topic.name);
      const subscriptions: Subscription[] = topic.subscriptions.map((subscription) => ({
        name: subscription.name,
        queue: this.addQueue(`${path}/subscriptions/${canonicalPath(subscription.name)}`, {
          ...subscription.properties,
        }),
        matches: compileRules(subscription.rules),
      }));
      const duplicates = this.detector(path, topic.properties);
      const ttlMs = topic.properties.defaultMessageTimeToLiveMs;
      this.targets.set(
        path,
        new TopicEntity(path, ttlMs, subscriptions, store, duplicates, onStoreError),
      );
    }
  }

  /** Rebuilds the entities' contents from what the store held; entities since removed are skipped. */
  restore(state: StoredState): void {
    for (const [entity, last] of state.lastSequenceNumbers) {
      this.queues.get(entity)?.restoreSequence(last);
      const target = this.targets.get(entity);
      if (target instanceof TopicEntity) target.restoreSequence(last);
    }
    for (const message of state.messages) {
      const target = this.targets.get(message.entity);
      if (target instanceof TopicEntity) target.restoreScheduled(message);
      else this.queues.get(message.entity)?.add(message);
    }
    for (const { entity, messageId, seenAtMs } of state.messageIds) {
      const target = this.targets.get(entity);
      if (target instanceof QueueEntity || target instanceof TopicEntity) {
        target.duplicates?.restore(messageId, seenAtMs);
      }
    }
    for (const { entity, sessionId, state: sessionState } of state.sessionStates) {
      this.queues.get(entity)?.sessionStates.restore(sessionId, sessionState);
    }
  }

  /**
   * The queue or topic a sender attaches to.
   * @throws BrokerError ENTITY_NOT_FOUND for any other address.
   */
  sendTarget(address: string): SendTarget {
    const target = this.targets.get(canonicalPath(address));
    if (!target) {
      throw new BrokerError('ENTITY_NOT_FOUND', `No queue or topic '${address}' on this broker.`);
    }
    return target;
  }

  /**
   * The queue, subscription or dead-letter queue a receiver attaches to.
   * @throws BrokerError ENTITY_NOT_FOUND for any other address.
   */
  receiveSource(address: string): MessageQueue {
    const queue = this.queues.get(canonicalPath(address));
    if (!queue) {
      throw new BrokerError(
        'ENTITY_NOT_FOUND',
        `No queue, subscription or dead-letter queue '${address}' on this broker.`,
      );
    }
    return queue;
  }

  /** Every receivable entity: queues, subscriptions and their dead-letter queues. */
  allQueues(): MessageQueue[] {
    return [...this.queues.values()];
  }

  /** Applies the passage of time to every entity. */
  sweep(nowMs: number): void {
    this.targets.forEach((target) => target.sweep(nowMs));
    this.queues.forEach((queue) => queue.sweep(nowMs));
  }

  private addQueue(path: string, properties: EntityProperties): MessageQueue {
    if (properties.forwardTo || properties.forwardDeadLetteredMessagesTo) {
      throw new BrokerError(
        'NOT_IMPLEMENTED',
        `servicebus-local does not support auto-forwarding (ForwardTo, ForwardDeadLetteredMessagesTo on '${path}').`,
      );
    }
    const deadLetterPath = `${path}${DEAD_LETTER_SUFFIX}`;
    const deadLetter = new MessageQueue(
      deadLetterPath,
      DEAD_LETTER_SETTINGS,
      this.store,
      undefined,
      this.onStoreError,
    );
    const queue = new MessageQueue(path, properties, this.store, deadLetter, this.onStoreError);
    this.queues.set(path, queue);
    this.queues.set(deadLetterPath, deadLetter);
    return queue;
  }

  private detector(
    path: string,
    properties: Pick<
      EntityProperties,
      'requiresDuplicateDetection' | 'duplicateDetectionHistoryTimeWindowMs'
    >,
  ): DuplicateDetector | undefined {
    if (!properties.requiresDuplicateDetection) return undefined;
    return new DuplicateDetector(
      path,
      properties.duplicateDetectionHistoryTimeWindowMs,
      this.store,
    );
  }
}
