/**
 * The functions and hooks one host captured from the apps it loaded, checked at
 * registration against what this host can run.
 */
import { HostError } from '../host-error.js';
import type {
  Disposable,
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookName,
  RpcBindingInfo,
} from './core-types.js';
import type { RegistrationTarget } from './functions-core.js';

/** The trigger families this host runs. */
export type TriggerKind = 'http' | 'serviceBus';

/** One captured function: its metadata as `@azure/functions` built it, and its handler. */
export interface RegisteredFunction {
  name: string;
  kind: TriggerKind;
  /** The trigger binding, carrying the options the app passed (`route`, `queueName`, ...). */
  trigger: RpcBindingInfo;
  metadata: FunctionMetadata;
  callback: FunctionCallback;
  /** Which `load` registered it: invocation hooks apply to their own app's functions only. */
  appIndex: number;
}

const TRIGGER_KINDS: Record<string, TriggerKind> = {
  httptrigger: 'http',
  servicebustrigger: 'serviceBus',
};

function isTriggerType(type: string | null | undefined): boolean {
  return typeof type === 'string' && /trigger$/i.test(type);
}

function findTrigger(metadata: FunctionMetadata): RpcBindingInfo {
  const triggers = Object.values(metadata.bindings).filter((binding) =>
    isTriggerType(binding.type),
  );
  const [trigger] = triggers;
  if (!trigger || triggers.length > 1) {
    throw new HostError(
      'UNSUPPORTED_BINDING',
      `function '${metadata.name}' must have exactly one trigger binding`,
    );
  }
  return trigger;
}

function checkBindings(metadata: FunctionMetadata, kind: TriggerKind): void {
  for (const [name, binding] of Object.entries(metadata.bindings)) {
    if (isTriggerType(binding.type)) continue;

    const isHttpReturn = kind === 'http' && name === '$return' && binding.type === 'http';
    if (!isHttpReturn) {
      throw new HostError(
        'UNSUPPORTED_BINDING',
        `function '${metadata.name}' uses binding '${name}' of type '${String(binding.type)}'; ` +
          'this host runs triggers only (apps reach the bus and storage through the SDKs)',
      );
    }
  }
}

function checkServiceBusTrigger(metadata: FunctionMetadata, trigger: RpcBindingInfo): void {
  if (trigger.cardinality === 'many') {
    throw new HostError(
      'UNSUPPORTED_BINDING',
      `function '${metadata.name}' asks for cardinality 'many'; this host delivers one message per call`,
    );
  }
}

/** Captures registrations for one host; the host reads `functions` and `hooks` from it. */
export class FunctionApp implements RegistrationTarget {
  readonly functions = new Map<string, RegisteredFunction>();
  /** Shared by every hook of the app, as the Functions worker's `appHookData`. */
  readonly appHookData: Record<string, unknown> = {};
  readonly #hooks = new Map<HookName, Set<HookCallback>>();
  readonly #hookApps = new Map<HookCallback, number>();
  #appIndex = 0;

  /**
   * Starts capturing a new app. In Azure each app is a Function App of its own, so the
   * invocation hooks one app registers (tracing, say) never run for another's functions.
   */
  beginApp(): void {
    this.#appIndex += 1;
  }

  /**
   * Adds a function after checking its trigger and bindings.
   * @throws {HostError} DUPLICATE_FUNCTION, UNSUPPORTED_TRIGGER or UNSUPPORTED_BINDING.
   */
  addFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    const name = metadata.name;
    if (this.functions.has(name)) {
      throw new HostError('DUPLICATE_FUNCTION', `function '${name}' is registered twice`);
    }

    const trigger = findTrigger(metadata);
    const kind = TRIGGER_KINDS[String(trigger.type).toLowerCase()];
    if (!kind) {
      throw new HostError(
        'UNSUPPORTED_TRIGGER',
        `function '${name}' uses trigger '${String(trigger.type)}'; this host runs HTTP and Service Bus triggers`,
      );
    }
    checkBindings(metadata, kind);
    if (kind === 'serviceBus') checkServiceBusTrigger(metadata, trigger);

    this.functions.set(name, { name, kind, trigger, metadata, callback, appIndex: this.#appIndex });
    return { dispose: () => this.functions.delete(name) };
  }

  /** Adds a hook; hooks of one name run in registration order. */
  addHook(name: HookName, callback: HookCallback): Disposable {
    let callbacks = this.#hooks.get(name);
    if (!callbacks) {
      callbacks = new Set();
      this.#hooks.set(name, callbacks);
    }
    callbacks.add(callback);
    this.#hookApps.set(callback, this.#appIndex);
    return { dispose: () => callbacks.delete(callback) };
  }

  /**
   * The hooks registered under `name`, in registration order; with `fn`, only those its
   * own app registered.
   */
  hooks(name: HookName, fn?: RegisteredFunction): HookCallback[] {
    const all = [...(this.#hooks.get(name) ?? [])];
    return fn === undefined ? all : all.filter((hook) => this.#hookApps.get(hook) === fn.appIndex);
  }

  /** Runs the hooks registered under `name` (for `fn`'s app) one after another. */
  async runHooks(
    name: HookName,
    context: Record<string, unknown>,
    fn?: RegisteredFunction,
  ): Promise<void> {
    for (const hook of this.hooks(name, fn)) await hook(context);
  }
}
