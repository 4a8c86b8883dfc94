/**
 * The stand-in for `@azure/functions-core`, the module the real Functions worker injects
 * into every app. `@azure/functions` requires it lazily (a CommonJS `require` inside its
 * bundle) the first time an app registers a function; this file answers that require
 * with an object whose `registerFunction` and `registerHook` hand the registrations to
 * the host that is loading the app at that moment.
 */
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { HostError } from '../host-error.js';
import type {
  Disposable,
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookName,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from './core-types.js';

/** The bare specifier `@azure/functions` requires. */
export const FUNCTIONS_CORE_SPECIFIER = '@azure/functions-core';

/** Where a host's `load` sends the registrations made while it runs. */
export interface RegistrationTarget {
  addFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable;
  addHook(name: HookName, callback: HookCallback): Disposable;
}

/** Receives the framework's own log lines made outside an invocation. */
export type SystemLogSink = (level: RpcLogLevel, category: RpcLogCategory, message: string) => void;

interface CoreState {
  installed: boolean;
  programmingModel: ProgrammingModel | undefined;
  target: RegistrationTarget | undefined;
  loads: Promise<unknown>;
  systemLog: SystemLogSink | undefined;
}

interface ModuleInternals {
  _resolveFilename(request: string, ...rest: unknown[]): string;
}

// Kept on globalThis because `@azure/functions` caches the core module for the whole
// process, while this file may be evaluated more than once (built copy, test runner copy).
const STATE_KEY = Symbol.for('@hl7gw/local-host:functions-core');

function coreState(): CoreState {
  const holder = globalThis as { [STATE_KEY]?: CoreState };
  holder[STATE_KEY] ??= {
    installed: false,
    programmingModel: undefined,
    target: undefined,
    loads: Promise.resolve(),
    systemLog: undefined,
  };
  return holder[STATE_KEY];
}

function currentTarget(what: string): RegistrationTarget {
  const target = coreState().target;
  if (!target) {
    throw new HostError(
      'REGISTRATION_OUTSIDE_LOAD',
      `${what} was called outside host.load(); register functions while the host loads the app`,
    );
  }
  return target;
}

class CoreDisposable implements Disposable {
  readonly #onDispose: () => void;

  constructor(onDispose: () => void) {
    this.#onDispose = onDispose;
  }

  dispose(): void {
    this.#onDispose();
  }
}

function createCoreApi(): Record<string, unknown> {
  return {
    // Honest versions: nothing in `@azure/functions` 4.x reads them.
    version: '0.1.0-hl7gw-local',
    hostVersion: '0.1.0-hl7gw-local',
    Disposable: CoreDisposable,
    registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
      return currentTarget(`registerFunction('${metadata.name}')`).addFunction(metadata, callback);
    },
    registerHook(name: HookName, callback: HookCallback): Disposable {
      return currentTarget(`registerHook('${name}')`).addHook(name, callback);
    },
    setProgrammingModel(model: ProgrammingModel): void {
      coreState().programmingModel = model;
    },
    getProgrammingModel(): ProgrammingModel | undefined {
      return coreState().programmingModel;
    },
    log(level: RpcLogLevel, category: RpcLogCategory, message: string): void {
      coreState().systemLog?.(level, category, message);
    },
  };
}

/**
 * Makes `require('@azure/functions-core')` resolve to the stand-in, for every CommonJS
 * module in this process. Idempotent. It hooks `Module._resolveFilename` for that one
 * specifier and seeds the require cache with a module whose exports are the stand-in, so
 * no file is read and every other specifier resolves as before.
 */
export function installFunctionsCore(): void {
  const state = coreState();
  if (state.installed) return;

  const filename = join(dirname(fileURLToPath(import.meta.url)), 'functions-core.virtual.cjs');
  const coreModule = new Module(filename);
  coreModule.filename = filename;
  coreModule.loaded = true;
  coreModule.exports = createCoreApi();
  createRequire(import.meta.url).cache[filename] = coreModule;

  const internals = Module as unknown as ModuleInternals;
  const resolveFilename = internals._resolveFilename;
  internals._resolveFilename = function (request: string, ...rest: unknown[]): string {
    if (request === FUNCTIONS_CORE_SPECIFIER) return filename;
    return resolveFilename.call(this, request, ...rest);
  };

  state.installed = true;
}

/**
 * Runs `load` with `target` receiving every registration it makes. Loads run one at a
 * time across the process, because the core module is one per process.
 * @throws whatever `load` throws, after the target is released.
 */
export async function captureRegistrations(
  target: RegistrationTarget,
  load: () => Promise<void>,
): Promise<void> {
  installFunctionsCore();
  const state = coreState();

  const run = state.loads.then(async () => {
    state.target = target;
    try {
      await load();
    } finally {
      state.target = undefined;
    }
  });
  state.loads = run.catch(() => undefined);
  await run;
}

/** The programming model `@azure/functions` set, or undefined before its first registration. */
export function currentProgrammingModel(): ProgrammingModel | undefined {
  return coreState().programmingModel;
}

/** Sends the framework's log lines made outside invocations to `sink` (the last host wins). */
export function setSystemLogSink(sink: SystemLogSink | undefined): void {
  coreState().systemLog = sink;
}
