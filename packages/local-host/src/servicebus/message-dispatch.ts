/**
 * Hands one received message to its function and settles it as the Functions Service Bus
 * extension does with `autoCompleteMessages` on: complete when the handler returns,
 * abandon when it throws, so the broker redelivers it and, after `MaxDeliveryCount`
 * attempts, dead-letters it. With `autoCompleteMessages: false` the message is left to
 * its lock.
 *
 * With SDK-type binding (`sdkBinding: true`, see `sdk-binding.ts`) the handler gets the
 * message and its settlement actions, and what it settled stands. What it left unsettled
 * is completed after a return when `autoCompleteMessages` is on, and abandoned otherwise:
 * after a throw, or after a return with `autoCompleteMessages: false`. In Azure such a
 * message waits for its lock to expire and is then delivered again; abandoning it at once
 * has the same outcome, sooner.
 */
import type { ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';

import type { FunctionApp, RegisteredFunction } from '../core/function-app.js';
import { invokeFunction } from '../core/invoke.js';
import type { HostLog } from '../log.js';
import {
  deliveryAttempt,
  messageBodyData,
  messageTraceContext,
  messageTriggerMetadata,
} from './message-binding.js';
import { prepareSdkInvocation, usesSdkBinding } from './sdk-binding.js';

/** What became of one message. */
export type DispatchOutcome =
  'completed' | 'abandoned' | 'dead-lettered' | 'deferred' | 'left-locked' | 'settle-failed';

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Invokes `fn` with `message` and settles the message on `receiver`; never throws. */
export async function dispatchMessage(
  app: FunctionApp,
  fn: RegisteredFunction,
  receiver: ServiceBusReceiver,
  message: ServiceBusReceivedMessage,
  log: HostLog,
): Promise<DispatchOutcome> {
  const autoComplete = fn.trigger.autoCompleteMessages !== false;
  const where = `message ${String(message.messageId)} (delivery ${deliveryAttempt(message)})`;
  const sdk = usesSdkBinding(fn.trigger) ? prepareSdkInvocation(receiver, message) : undefined;

  let failure: unknown;
  try {
    await invokeFunction(
      app,
      fn,
      {
        triggerData: sdk?.triggerData ?? messageBodyData(message, fn.trigger.dataType),
        triggerMetadata: messageTriggerMetadata(message),
        traceContext: messageTraceContext(message),
      },
      log,
    );
  } catch (error) {
    failure = error;
    log({
      level: 'warn',
      source: 'host',
      functionName: fn.name,
      message: `${where} failed: ${errorText(error)}`,
    });
  } finally {
    sdk?.release();
  }

  const settled = sdk?.settled();
  if (settled !== undefined) return settled;
  if (sdk === undefined && !autoComplete) return 'left-locked';
  if (sdk !== undefined && failure === undefined && !autoComplete) {
    log({
      level: 'warn',
      source: 'host',
      functionName: fn.name,
      message: `${where} was not settled by its handler; abandoning it`,
    });
  }

  try {
    if (failure === undefined && autoComplete) {
      await receiver.completeMessage(message);
      return 'completed';
    }
    await receiver.abandonMessage(message);
    return 'abandoned';
  } catch (error) {
    // The lock was lost (expired, or the link closed): the broker redelivers the message.
    log({
      level: 'warn',
      source: 'host',
      functionName: fn.name,
      message: `${where} could not be settled: ${errorText(error)}`,
    });
    return 'settle-failed';
  }
}

/**
 * Hands back messages received after stop began, without invoking anything: abandoned,
 * they are delivered again at once (to the next host run). Failures are ignored: the
 * lock then expires, with the same effect.
 */
export async function releaseUnhandled(
  receiver: ServiceBusReceiver,
  messages: ServiceBusReceivedMessage[],
): Promise<void> {
  await Promise.allSettled(messages.map((message) => receiver.abandonMessage(message)));
}
