/**
 * The input of an SDK-bound Service Bus trigger (`sdkBinding: true`): the received message
 * and the actions that settle it. In Azure the `@azure/functions-extensions-servicebus`
 * package provides this shape (its `ServiceBusMessageContext`); the local host provides the
 * same. It is declared here rather than imported so the app does not depend on that preview
 * package, which brings a gRPC client; the processor needs only the shape.
 */
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
