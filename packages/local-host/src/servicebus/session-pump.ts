/**
 * Receives from a session-enabled queue or subscription as the Functions Service Bus
 * extension does: up to `maxConcurrentSessions` sessions at once, each accepted with
 * `acceptNextSession`, its messages handled one at a time in order, its lock renewed by
 * the client, and the session released as soon as one receive has waited
 * `sessionIdleTimeoutMs` without a message (the extension's `sessionIdleTimeout`).
 * Each session trigger has its own client, whose operation timeout is the accept wait.
 *
 * A released session's link is closed while its worker already accepts the next one: every
 * message of it is settled by then, so nothing depends on the close but the broker's lock,
 * which it frees when the detach arrives. `stop` waits for those closes.
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
  readonly #closing = new Set<Promise<void>>();
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
    await Promise.allSettled([...this.#closing]);
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
      this.#release(session);
    }
  }

  /** Closes a drained session's link in the background; `stop` waits for it. */
  #release(session: ServiceBusSessionReceiver): void {
    const closed = session.close().catch(() => undefined);
    this.#closing.add(closed);
    void closed.finally(() => this.#closing.delete(closed));
  }

  #warn(message: string): void {
    this.log({ level: 'warn', source: 'host', functionName: this.fn.name, message });
  }
}
