/**
 * The gateway's Service Bus adapter on `@azure/service-bus`: one client per process,
 * one cached sender per entity, the inbound envelope with its claim check, result
 * publishing, and receivers for the apps and the host.
 *
 * The same code reaches Azure (namespace + managed identity), Microsoft's emulator and
 * `servicebus-local` (a connection string with `UseDevelopmentEmulator=true`): only the
 * configuration differs.
 */
import {
  ServiceBusClient,
  type ServiceBusReceiver,
  type ServiceBusReceiverOptions,
  type ServiceBusSender,
  type ServiceBusSessionReceiver,
  type ServiceBusSessionReceiverOptions,
} from '@azure/service-bus';

import type { BlobRef, BlobStore } from './blob-store.js';
import type { GatewayConfig, ServiceBusConnection } from './config.js';
import { azureCredential } from './credential.js';
import { encodeInbound, type InboundEnvelope, type InboundMessage } from './envelope.js';
import { PlatformError, toPlatformError } from './errors.js';
import { encodeResult, type ResultMessage } from './result-message.js';
import { producerSpan } from './telemetry/spans.js';

/** How hard the bus client retries an operation before giving up. */
export interface BusRetry {
  /** Attempts after the first. */
  maxRetries: number;
  /** The deadline of each attempt. */
  timeoutMs: number;
}

/** The retry policy used when none is given. */
export const DEFAULT_BUS_RETRY: BusRetry = { maxRetries: 3, timeoutMs: 60_000 };

/** What `Bus` needs besides a client. */
export interface BusOptions {
  /** Entity names. */
  entities: GatewayConfig['entities'];
  /** Raw messages larger than this many UTF-8 bytes travel by claim check. */
  claimCheckThresholdBytes: number;
  /** Where claim checks are stored and fetched. */
  blobs: BlobStore;
}

/** What `sendInbound` did. */
export interface SentInbound {
  /** The bus `messageId` (the duplicate-detection hash). */
  messageId: string;
  /** The session the message went to. */
  sessionId: string;
  /** Where the raw content went, when it was too large to travel inline. */
  claimCheck?: BlobRef;
}

/** The gateway's bus. Every method throws `PlatformError` when the bus or storage fails. */
export class Bus {
  readonly #client: ServiceBusClient;
  readonly #options: BusOptions;
  readonly #senders = new Map<string, ServiceBusSender>();
  #closed = false;

  /** Wraps an existing client; prefer `Bus.fromConfig`. */
  constructor(client: ServiceBusClient, options: BusOptions) {
    this.#client = client;
    this.#options = options;
  }

  /**
   * A bus for the configured connection: a connection string (the local broker, the
   * emulator, or a namespace key) or the namespace with `DefaultAzureCredential`. No
   * connection is made until the first operation.
   */
  static fromConfig(config: GatewayConfig, blobs: BlobStore, retry = DEFAULT_BUS_RETRY): Bus {
    return new Bus(createServiceBusClient(config.serviceBus, retry), {
      entities: config.entities,
      claimCheckThresholdBytes: config.claimCheckThresholdBytes,
      blobs,
    });
  }

  /** The underlying SDK client, for what this adapter does not wrap. */
  get client(): ServiceBusClient {
    return this.#client;
  }

  /**
   * Sends one inbound message to the inbound queue. Raw content above the claim-check
   * threshold is first stored in blob storage and replaced by a `blobRef`. Throws
   * `PlatformError`: `ENVELOPE_INVALID` for a malformed message, `STORAGE_UNAVAILABLE`
   * when the claim check cannot be stored, `BUS_UNAVAILABLE` and friends from the bus.
   */
  async sendInbound(message: InboundMessage): Promise<SentInbound> {
    const [sent] = await this.sendInboundMany([message]);
    return sent as SentInbound;
  }

  /**
   * Sends inbound messages (a batch submission) in as few bus batches as fit, in order.
   * Claim checks are applied per message. Throws like `sendInbound`; messages in bus
   * batches sent before a failure stay sent, and duplicate detection makes resending
   * them all safe.
   */
  async sendInboundMany(messages: InboundMessage[]): Promise<SentInbound[]> {
    if (messages.length === 0) return [];
    const prepared = await Promise.all(messages.map((message) => this.#claimCheck(message)));
    const queue = this.#options.entities.inboundQueue;
    const sender = this.#sender(queue);
    const first = messages[0]?.properties.traceparent;

    const encoded = await producerSpan(
      queue,
      first,
      { 'messaging.batch.message_count': messages.length },
      async (traceparent) => {
        // The producer span becomes each message's parent, so the consumer continues it.
        const withTrace = prepared.map(({ message }) =>
          traceparent === undefined
            ? message
            : { ...message, properties: { ...message.properties, traceparent } },
        );
        const sending = withTrace.map((message) => encodeInbound(message));
        try {
          let batch = await sender.createMessageBatch();
          for (const message of sending) {
            if (batch.tryAddMessage(message)) continue;
            if (batch.count === 0) throw tooLarge();
            await sender.sendMessages(batch);
            batch = await sender.createMessageBatch();
            if (!batch.tryAddMessage(message)) throw tooLarge();
          }
          if (batch.count > 0) await sender.sendMessages(batch);
        } catch (error) {
          throw toPlatformError(error, 'bus');
        }
        return sending;
      },
    );

    return prepared.map(({ message, claimCheck }, index) => ({
      messageId: encoded[index]?.messageId as string,
      sessionId: message.sessionId,
      ...(claimCheck === undefined ? {} : { claimCheck }),
    }));
  }

  /**
   * The raw HL7 text of an inbound envelope: inline, or fetched from its claim check.
   * Throws `PlatformError` `NOT_FOUND` when the claim check is gone.
   */
  async readRaw(envelope: InboundEnvelope): Promise<string> {
    if (envelope.raw !== undefined) return envelope.raw;
    if (envelope.blobRef === undefined) {
      throw new PlatformError('ENVELOPE_INVALID', 'inbound envelope has neither raw nor blobRef');
    }
    return (await this.#options.blobs.get(envelope.blobRef)).toString('utf8');
  }

  /**
   * Publishes a result to the results topic. Throws `PlatformError`: `ENVELOPE_INVALID`
   * for a malformed result, bus codes otherwise.
   */
  async publishResult(message: ResultMessage): Promise<void> {
    const topic = this.#options.entities.resultsTopic;
    await producerSpan(topic, message.traceparent, {}, async (traceparent) => {
      const encoded = encodeResult(
        traceparent === undefined ? message : { ...message, traceparent },
      );
      try {
        await this.#sender(topic).sendMessages(encoded);
      } catch (error) {
        throw toPlatformError(error, 'bus');
      }
    });
  }

  /** A peek-lock (by default) receiver on a queue or a `topic/subscriptions/name` path. */
  receiver(queueName: string, options?: ServiceBusReceiverOptions): ServiceBusReceiver;
  /** A receiver on a topic subscription. */
  receiver(
    topicName: string,
    subscriptionName: string,
    options?: ServiceBusReceiverOptions,
  ): ServiceBusReceiver;
  receiver(
    entity: string,
    second?: string | ServiceBusReceiverOptions,
    third?: ServiceBusReceiverOptions,
  ): ServiceBusReceiver {
    this.#checkOpen();
    return typeof second === 'string'
      ? this.#client.createReceiver(entity, second, third)
      : this.#client.createReceiver(entity, second);
  }

  /** A receiver on an entity's dead-letter queue (`<entity>/$deadletterqueue`). */
  deadLetterReceiver(queueName: string, subscriptionName?: string): ServiceBusReceiver {
    this.#checkOpen();
    const options = { subQueueType: 'deadLetter' } as const;
    return subscriptionName === undefined
      ? this.#client.createReceiver(queueName, options)
      : this.#client.createReceiver(queueName, subscriptionName, options);
  }

  /**
   * Locks the next session with messages on the inbound queue (or `queueName`). Throws
   * `PlatformError` `TIMEOUT` (via the SDK's `ServiceTimeout`) when none becomes available.
   */
  async acceptNextSession(
    queueName: string = this.#options.entities.inboundQueue,
    options?: ServiceBusSessionReceiverOptions,
  ): Promise<ServiceBusSessionReceiver> {
    this.#checkOpen();
    try {
      return await this.#client.acceptNextSession(queueName, options);
    } catch (error) {
      throw toPlatformError(error, 'bus');
    }
  }

  /** Locks a named session on the inbound queue (or `queueName`). */
  async acceptSession(
    sessionId: string,
    queueName: string = this.#options.entities.inboundQueue,
    options?: ServiceBusSessionReceiverOptions,
  ): Promise<ServiceBusSessionReceiver> {
    this.#checkOpen();
    try {
      return await this.#client.acceptSession(queueName, sessionId, options);
    } catch (error) {
      throw toPlatformError(error, 'bus');
    }
  }

  /** Closes every sender, receiver and the connection. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;

    const senders = [...this.#senders.values()];
    this.#senders.clear();
    await Promise.allSettled(senders.map((sender) => sender.close()));
    await this.#client.close();
  }

  async #claimCheck(
    message: InboundMessage,
  ): Promise<{ message: InboundMessage; claimCheck?: BlobRef }> {
    const { raw } = message.envelope;
    if (raw === undefined) return { message };
    if (Buffer.byteLength(raw, 'utf8') <= this.#options.claimCheckThresholdBytes) {
      return { message };
    }

    const claimCheck = await this.#options.blobs.putClaimCheck(message.envelope.id, raw);
    const { raw: _raw, ...rest } = message.envelope;
    return { message: { ...message, envelope: { ...rest, blobRef: claimCheck } }, claimCheck };
  }

  #sender(entity: string): ServiceBusSender {
    this.#checkOpen();
    let sender = this.#senders.get(entity);
    if (sender === undefined) {
      sender = this.#client.createSender(entity);
      this.#senders.set(entity, sender);
    }
    return sender;
  }

  #checkOpen(): void {
    if (this.#closed) throw new PlatformError('BUS_UNAVAILABLE', 'the bus has been closed');
  }
}

/**
 * The SDK client for a configured connection. A connection string is used as is
 * (`UseDevelopmentEmulator=true` makes the SDK speak plain AMQP to a local broker);
 * otherwise the namespace is reached with `DefaultAzureCredential`.
 */
export function createServiceBusClient(
  connection: ServiceBusConnection,
  retry: BusRetry = DEFAULT_BUS_RETRY,
): ServiceBusClient {
  const options = {
    retryOptions: { maxRetries: retry.maxRetries, timeoutInMs: retry.timeoutMs },
  };
  return connection.kind === 'connection-string'
    ? new ServiceBusClient(connection.connectionString, options)
    : new ServiceBusClient(
        connection.fullyQualifiedNamespace,
        azureCredential(connection.clientId),
        options,
      );
}

function tooLarge(): PlatformError {
  return new PlatformError('MESSAGE_TOO_LARGE', 'an inbound message does not fit a bus message');
}
