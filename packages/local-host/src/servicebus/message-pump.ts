/**
 * Receives from a queue, a subscription or a dead-letter queue without sessions, in
 * peek-lock, handling up to `maxConcurrentCalls` messages at once with their locks
 * renewed by the client while handlers run.
 */
import type {
  ServiceBusClient,
  ServiceBusReceivedMessage,
  ServiceBusReceiver,
  ServiceBusReceiverOptions,
} from '@azure/service-bus';

import type { FunctionApp, RegisteredFunction } from '../core/function-app.js';
import type { HostLog } from '../log.js';
import { dispatchMessage, releaseUnhandled } from './message-dispatch.js';
import { installSdkBindingFactory, usesSdkBinding } from './sdk-binding.js';
import { Backoff, type ReceiveSettings, type TriggerPump } from './receive-settings.js';
import { describeEntity, type TriggerEntity } from './trigger-entity.js';

/** The listener of one non-session Service Bus trigger. */
export class MessagePump implements TriggerPump {
  readonly #receiver: ServiceBusReceiver;
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #stopSignal = new AbortController();
  readonly #backoff = new Backoff();
  #loop: Promise<void> | undefined;

  constructor(
    private readonly app: FunctionApp,
    private readonly fn: RegisteredFunction,
    client: ServiceBusClient,
    private readonly entity: TriggerEntity,
    private readonly settings: ReceiveSettings,
    private readonly log: HostLog,
  ) {
    if (usesSdkBinding(fn.trigger)) installSdkBindingFactory(fn.name);
    const options: ServiceBusReceiverOptions = {
      receiveMode: 'peekLock',
      maxAutoLockRenewalDurationInMs: settings.maxAutoLockRenewalDurationMs,
      skipParsingBodyAsJson: true,
      subQueueType: entity.deadLetter ? 'deadLetter' : undefined,
    };
    this.#receiver =
      entity.kind === 'queue'
        ? client.createReceiver(entity.queueName, options)
        : client.createReceiver(entity.topicName, entity.subscriptionName, options);
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopSignal.abort();
    await this.#loop;
    await Promise.allSettled([...this.#inFlight]);
    await this.#receiver.close();
  }

  async #run(): Promise<void> {
    const stopped = this.#stopSignal.signal;

    while (!stopped.aborted) {
      const free = this.settings.maxConcurrentCalls - this.#inFlight.size;
      if (free <= 0) {
        await Promise.race(this.#inFlight);
        continue;
      }

      let messages: ServiceBusReceivedMessage[];
      try {
        // Not aborted on stop: a receive cut short could strand delivered messages until
        // their locks expire, and it waits at most `receiveWaitMs`; what it brings after
        // stop began is handed back below.
        messages = await this.#receiver.receiveMessages(free, {
          maxWaitTimeInMs: this.settings.receiveWaitMs,
        });
        this.#backoff.reset();
      } catch (error) {
        if (stopped.aborted) break;
        this.log({
          level: 'warn',
          source: 'host',
          functionName: this.fn.name,
          message: `receive from ${describeEntity(this.entity)} failed: ${String(error)}`,
        });
        await this.#backoff.wait(stopped);
        continue;
      }

      if (stopped.aborted) {
        await releaseUnhandled(this.#receiver, messages);
        break;
      }
      for (const message of messages) this.#track(message);
    }
  }

  #track(message: ServiceBusReceivedMessage): void {
    const dispatched = dispatchMessage(this.app, this.fn, this.#receiver, message, this.log);
    this.#inFlight.add(dispatched);
    void dispatched.finally(() => this.#inFlight.delete(dispatched));
  }
}
