/**
 * SDK-type Service Bus trigger bindings (`sdkBinding: true`), as Azure runs them with the
 * `@azure/functions-extensions-servicebus` package: the handler gets a
 * `ServiceBusMessageContext` (the received messages and the actions that settle them)
 * instead of the message body, so it can complete, abandon, dead-letter or defer itself.
 *
 * The path is the real one. The host hands `@azure/functions` the trigger input as
 * `modelBindingData` with source `AzureServiceBusReceivedMessage`; `getArguments` passes
 * it to the `ResourceFactoryResolver` of `@azure/functions-extensions-base`, where this
 * module registered the factory for that source. In Azure the extension package
 * registers it and settles over the worker's gRPC channel; here the factory returns a
 * context whose actions call the real `@azure/service-bus` receiver that received the
 * message. The host never loads the extension package, which brings gRPC.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

import type {
  DeadLetterOptions,
  ServiceBusReceivedMessage,
  ServiceBusReceiver,
} from '@azure/service-bus';

import type { RpcBindingInfo, RpcTypedData } from '../core/core-types.js';
import { HostError } from '../host-error.js';

/** The `modelBindingData.source` Azure gives a Service Bus SDK-type binding. */
export const SERVICE_BUS_MESSAGE_SOURCE = 'AzureServiceBusReceivedMessage';

/** Application properties to set on a message as it is settled. */
export type PropertiesToModify = Record<string, number | boolean | string | Date | null>;

/** The settlement actions of `@azure/functions-extensions-servicebus`, by the same names. */
export interface ServiceBusMessageActions {
  /** Removes the message from the entity. */
  complete(message: ServiceBusReceivedMessage): Promise<void>;
  /** Releases the lock so the message is delivered again (its delivery count goes up). */
  abandon(
    message: ServiceBusReceivedMessage,
    propertiesToModify?: PropertiesToModify,
  ): Promise<void>;
  /** Moves the message to the entity's dead-letter queue with a reason and a description. */
  deadletter(
    message: ServiceBusReceivedMessage,
    propertiesToModify?: PropertiesToModify,
    deadletterReason?: string,
    deadletterErrorDescription?: string,
  ): Promise<void>;
  /** Sets the message aside, to be received later by its sequence number only. */
  defer(message: ServiceBusReceivedMessage, propertiesToModify?: PropertiesToModify): Promise<void>;
}

/** What an SDK-bound Service Bus handler receives in place of the message body. */
export interface ServiceBusMessageContext {
  /** The received messages: one, since this host delivers one message per call. */
  messages: ServiceBusReceivedMessage[];
  /** Settles them. */
  actions: ServiceBusMessageActions;
}

/** How the handler settled the message, if it did. */
export type SdkSettlement = 'completed' | 'abandoned' | 'dead-lettered' | 'deferred';

/** One invocation's context, and what the handler did with it. */
export interface SdkInvocation {
  /** The trigger input to hand `@azure/functions`. */
  triggerData: RpcTypedData;
  /** The settlement the handler made, once an action succeeded. */
  settled(): SdkSettlement | undefined;
  /** Forgets the context; call when the invocation ends. */
  release(): void;
}

/** `@azure/functions-extensions-base`'s resolver, as far as this module uses it. */
interface ResourceFactoryResolver {
  registerResourceFactory(source: string, factory: (data: unknown) => unknown): void;
  hasResourceFactory(source: string): boolean;
}

interface ModelBindingData {
  content?: Uint8Array | null;
  contentType?: string | null;
  source?: string | null;
  version?: string | null;
}

interface SdkBindingState {
  /** The resolvers this host's factory is registered in. */
  registeredIn: WeakSet<object>;
  contexts: Map<string, ServiceBusMessageContext>;
}

// On globalThis, like the functions-core stand-in: the resolver is one per process, and this
// file may be evaluated more than once (built copy, test runner copy).
const STATE_KEY = Symbol.for('@hl7gw/local-host:sdk-binding');

function state(): SdkBindingState {
  const holder = globalThis as { [STATE_KEY]?: SdkBindingState };
  holder[STATE_KEY] ??= { registeredIn: new WeakSet(), contexts: new Map() };
  return holder[STATE_KEY];
}

/** True when a Service Bus trigger asks for SDK-type binding. */
export function usesSdkBinding(trigger: RpcBindingInfo): boolean {
  const properties = trigger.properties as Record<string, unknown> | undefined;
  return trigger.sdkBinding === true || properties?.supportsDeferredBinding === 'true';
}

/**
 * The resolver `@azure/functions` itself uses. It requires the CommonJS build of
 * `@azure/functions-extensions-base`, whose singleton is not the ESM build's, so this
 * resolves the same file from `@azure/functions`' own location.
 */
function functionsResolver(): ResourceFactoryResolver {
  const fromHere = createRequire(import.meta.url);
  const fromFunctions = createRequire(fromHere.resolve('@azure/functions'));
  const base = fromFunctions('@azure/functions-extensions-base') as {
    ResourceFactoryResolver: { getInstance(): ResourceFactoryResolver };
  };
  return base.ResourceFactoryResolver.getInstance();
}

function contextFor(data: unknown): ServiceBusMessageContext {
  const first = (Array.isArray(data) ? data[0] : data) as ModelBindingData | undefined;
  const content = first?.content ? Buffer.from(first.content).toString('utf8') : '';
  const token = (JSON.parse(content || '{}') as { token?: unknown }).token;
  const context = typeof token === 'string' ? state().contexts.get(token) : undefined;
  if (!context) throw new Error('no Service Bus message context for this invocation');
  return context;
}

/**
 * Registers this host's factory for `AzureServiceBusReceivedMessage`, once per process.
 * @throws {HostError} UNSUPPORTED_BINDING when another factory holds that source (the app
 *   loaded `@azure/functions-extensions-servicebus`, which settles only inside Azure).
 */
export function installSdkBindingFactory(functionName: string): void {
  const shared = state();
  const resolver = functionsResolver();
  if (shared.registeredIn.has(resolver)) return;

  if (resolver.hasResourceFactory(SERVICE_BUS_MESSAGE_SOURCE)) {
    throw new HostError(
      'UNSUPPORTED_BINDING',
      `function '${functionName}' uses SDK binding, but another factory for ` +
        `${SERVICE_BUS_MESSAGE_SOURCE} is registered (@azure/functions-extensions-servicebus?); ` +
        'this host provides its own',
    );
  }
  resolver.registerResourceFactory(SERVICE_BUS_MESSAGE_SOURCE, contextFor);
  shared.registeredIn.add(resolver);
}

/**
 * Prepares one invocation: a context for `message` whose actions settle it on `receiver`,
 * and the `modelBindingData` trigger input that leads `@azure/functions` to it.
 */
export function prepareSdkInvocation(
  receiver: ServiceBusReceiver,
  message: ServiceBusReceivedMessage,
): SdkInvocation {
  let settlement: SdkSettlement | undefined;
  const settle = async (outcome: SdkSettlement, action: () => Promise<void>) => {
    await action();
    settlement = outcome;
  };

  const actions: ServiceBusMessageActions = {
    complete: (msg) => settle('completed', () => receiver.completeMessage(msg)),
    abandon: (msg, properties) =>
      settle('abandoned', () => receiver.abandonMessage(msg, properties)),
    deadletter: (msg, properties, deadLetterReason, deadLetterErrorDescription) =>
      settle('dead-lettered', () => {
        const options: PropertiesToModify = { ...properties };
        if (deadLetterReason !== undefined) options.deadLetterReason = deadLetterReason;
        if (deadLetterErrorDescription !== undefined) {
          options.deadLetterErrorDescription = deadLetterErrorDescription;
        }
        // The SDK's type asks for both fields, but either may be left out on the wire.
        return receiver.deadLetterMessage(msg, options as DeadLetterOptions & PropertiesToModify);
      }),
    defer: (msg, properties) => settle('deferred', () => receiver.deferMessage(msg, properties)),
  };

  const token = randomUUID();
  const contexts = state().contexts;
  contexts.set(token, { messages: [message], actions });

  const modelBindingData: ModelBindingData = {
    content: Buffer.from(JSON.stringify({ token }), 'utf8'),
    contentType: 'application/json',
    source: SERVICE_BUS_MESSAGE_SOURCE,
    version: '1.0',
  };
  const triggerData: RpcTypedData & { modelBindingData: ModelBindingData } = { modelBindingData };
  return {
    triggerData,
    settled: () => settlement,
    release: () => void contexts.delete(token),
  };
}
