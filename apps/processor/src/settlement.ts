/**
 * The input of an SDK-bound Service Bus trigger (`sdkBinding: true`): the received message
 * and the actions that settle it. In Azure the `@azure/functions-extensions-servicebus`
 * package provides this shape (its `ServiceBusMessageContext`); the local host provides the
 * same. It is declared here rather than imported so the app does not depend on that preview
 * package, which brings a gRPC client; the processor needs only the shape.
 *
 * The local host declares the same shape in `packages/local-host/src/servicebus/sdk-binding.ts`
 * for the side that calls the trigger. The two are kept alike by hand on purpose: an app may
 * not import the local host (DESIGN.md, dependency rules), and the local host must not make
 * the apps' contract depend on it either.
 */
import type { InvocationContext } from '@azure/functions';
import type { ServiceBusReceivedMessage } from '@azure/service-bus';

/** Application properties to set on a message as it is settled. */
export type PropertiesToModify = Record<string, number | boolean | string | Date | null>;

/** Settles a received message, as `ServiceBusMessageActions` does in Azure. */
export interface ServiceBusMessageActions {
  /** Removes the message from the queue. */
  complete(message: ServiceBusReceivedMessage): Promise<void>;
  /** Releases the lock, so the message is delivered again. */
  abandon(
    message: ServiceBusReceivedMessage,
    propertiesToModify?: PropertiesToModify,
  ): Promise<void>;
  /** Moves the message to the dead-letter queue with a reason and a description. */
  deadletter(
    message: ServiceBusReceivedMessage,
    propertiesToModify?: PropertiesToModify,
    deadletterReason?: string,
    deadletterErrorDescription?: string,
  ): Promise<void>;
  /** Sets the message aside, to be received later by its sequence number. */
  defer(message: ServiceBusReceivedMessage, propertiesToModify?: PropertiesToModify): Promise<void>;
}

/**
 * What an SDK-bound trigger receives in place of the message body. `messages` is an array in
 * current releases of the extension and a single message in early previews; `receivedMessages`
 * accepts both.
 */
export interface ServiceBusMessageContext {
  /** The received messages (one per call with the default cardinality). */
  messages: ServiceBusReceivedMessage[] | ServiceBusReceivedMessage;
  /** Settles them. */
  actions: ServiceBusMessageActions;
}

/** The messages of a context as an array, whichever form the extension used. */
export function receivedMessages(context: ServiceBusMessageContext): ServiceBusReceivedMessage[] {
  return Array.isArray(context.messages) ? context.messages : [context.messages];
}

/** The handler of an SDK-bound Service Bus trigger. */
export type ServiceBusTriggerHandler = (
  input: ServiceBusMessageContext,
  context: InvocationContext,
) => Promise<void>;

/**
 * A trigger handler that hands each received message, in the order received, to `handle`
 * with the actions that settle it. A throw stops the rest, which the host then redelivers.
 */
export function eachMessage(
  handle: (actions: ServiceBusMessageActions, message: ServiceBusReceivedMessage) => Promise<void>,
): ServiceBusTriggerHandler {
  return async (input) => {
    for (const message of receivedMessages(input)) {
      await handle(input.actions, message);
    }
  };
}
