/**
 * Receives from a session-enabled queue or subscription as the Functions Service Bus
 * extension does: up to `maxConcurrentSessions` sessions at once, each accepted with
 * `acceptNextSession`, its messages handled one at a time in order, its lock renewed by
 * the client, and the session released after `sessionIdleTimeoutMs` without a message.
 * Each session trigger has its own client, whose operation timeout is the accept wait.
 */
import {
  isServiceBusError,
  ServiceBusClient,
  type ServiceBusSessionReceiver,
  type ServiceBusSessionReceiverOptions,
} from '@azure/service-bus';

import type { FunctionApp, RegisteredFunction } from '../core/function-app.js';
import type { HostLog } from '../log.js';
import { dispatchMessage, releaseUnhandled } from './message-dispatch.js';
import { installSdkBindingFactory, usesSdkBinding } from './sdk-binding.js';
import { Backoff, type ReceiveSettings, type TriggerPump } from './receive-settings.js';
import { describeEntity, type TriggerEntity } from './trigger-entity.js';

// What `acceptNextSession` throws when no session became available in time: not a fault.
const NO_SESSION_CODES = new Set(['ServiceTimeout', 'SessionCannotBeLocked']);

/** The listener of one session-enabled Service Bus trigger. */
export class SessionPump implements TriggerPump {
  readonly #stopSignal = new AbortController();
  readonly #workers: Promise<void>[] = [];
  readonly #client: ServiceBusClient;

  constructor(
    private readonly app: FunctionApp,
    private readonly fn: RegisteredFunction,
    connectionString: string,
    private readonly entity: TriggerEntity,
    private readonly settings: ReceiveSettings,
    private readonly log: HostLog,
  ) {
    if (usesSdkBinding(fn.trigger)) installSdkBindingFactory(fn.name);
    this.#client = new ServiceBusClient(connectionString, {
      retryOptions: { timeoutInMs: settings.sessionAcceptWaitMs },
    });
  }

  start(): void {
    if (this.#workers.length > 0) return;
    for (let i = 0; i < this.settings.maxConcurrentSessions; i++) this.#workers.push(this.#work());
  }

  async stop(): Promise<void> {
    this.#stopSignal.abort();
    await Promise.allSettled(this.#workers);
    await this.#client.close();
  }

  async #work(): Promise<void> {
    const stopped = this.#stopSignal.signal;
    const backoff = new Backoff();

    while (!stopped.aborted) {
      let session: ServiceBusSessionReceiver;
      try {
        session = await this.#acceptNextSession(stopped);
        backoff.reset();
      } catch (error) {
        if (stopped.aborted) break;
        if (isServiceBusError(error) && NO_SESSION_CODES.has(error.code)) continue;
        this.#warn(
          `accepting a session on ${describeEntity(this.entity)} failed: ${String(error)}`,
        );
        await backoff.wait(stopped);
        continue;
      }
      await this.#drain(session);
    }
  }

  #acceptNextSession(abortSignal: AbortSignal): Promise<ServiceBusSessionReceiver> {
    const options: ServiceBusSessionReceiverOptions = {
      receiveMode: 'peekLock',
      maxAutoLockRenewalDurationInMs: this.settings.maxAutoLockRenewalDurationMs,
      skipParsingBodyAsJson: true,
      abortSignal,
    };
    const entity = this.entity;
    return entity.kind === 'queue'
      ? this.#client.acceptNextSession(entity.queueName, options)
      : this.#client.acceptNextSession(entity.topicName, entity.subscriptionName, options);
  }

  async #drain(session: ServiceBusSessionReceiver): Promise<void> {
    const stopped = this.#stopSignal.signal;
    try {
      while (!stopped.aborted) {
        const [message] = await session.receiveMessages(1, {
          maxWaitTimeInMs: this.settings.sessionIdleTimeoutMs,
        });
        if (!message) break;
        if (stopped.aborted) {
          await releaseUnhandled(session, [message]);
          break;
        }
        await dispatchMessage(this.app, this.fn, session, message, this.log);
      }
    } catch (error) {
      // The session lock was lost or the link failed; the broker hands the session out again.
      this.#warn(`session '${session.sessionId}' ended: ${String(error)}`);
    } finally {
      await session.close().catch(() => undefined);
    }
  }

  #warn(message: string): void {
    this.log({ level: 'warn', source: 'host', functionName: this.fn.name, message });
  }
}
