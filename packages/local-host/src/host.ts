/**
 * The Functions host for one machine: loads apps so their `@azure/functions`
 * registrations are captured, serves their HTTP triggers, drives their Service Bus
 * triggers, and stops gracefully.
 */
import { isAbsolute, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

import { ServiceBusClient } from '@azure/service-bus';

import { FunctionApp, type RegisteredFunction } from './core/function-app.js';
import {
  captureRegistrations,
  currentProgrammingModel,
  installFunctionsCore,
  setSystemLogSink,
} from './core/functions-core.js';
import { HostError, isHostError } from './host-error.js';
import { buildHttpRoutes } from './http/http-routes.js';
import { HttpTriggerServer } from './http/http-trigger-server.js';
import { consoleHostLog, type HostLog, toHostLogLevel } from './log.js';
import { MessagePump } from './servicebus/message-pump.js';
import {
  DEFAULT_SESSION_IDLE_TIMEOUT_MS,
  type ReceiveSettings,
  type TriggerPump,
} from './servicebus/receive-settings.js';
import { SessionPump } from './servicebus/session-pump.js';
import {
  describeEntity,
  type SettingLookup,
  triggerConnectionString,
  triggerEntity,
} from './servicebus/trigger-entity.js';

/** Options of `createHost`; every one has a default. */
export interface HostOptions {
  /** HTTP port on 127.0.0.1; 0 picks a free one. Default 7071, as Azure Functions Core Tools. */
  port?: number;
  /** Route prefix of HTTP triggers (host.json `extensions.http.routePrefix`). Default `api`. */
  routePrefix?: string;
  /** Largest request body accepted; larger answers 413. Default 100 MiB, Azure's limit. */
  maxRequestBodyBytes?: number;
  /** Key that opens `function` and `admin` routes (header `x-functions-key` or `?code=`). */
  hostKey?: string;
  /** Used by Service Bus triggers whose `connection` setting is not set. */
  serviceBusConnectionString?: string;
  /** App settings, consulted before `process.env` for connections and `%Name%` references. */
  settings?: Record<string, string | undefined>;
  /** Per non-session trigger. Default 16. */
  maxConcurrentCalls?: number;
  /** Per session trigger. Default 8. */
  maxConcurrentSessions?: number;
  /** Default 5 minutes, as the extension. */
  maxAutoLockRenewalDurationMs?: number;
  /**
   * How long a session receiver waits for the session's next message before releasing the
   * session to take another: host.json's `sessionIdleTimeout`. Default 100 ms: a message
   * already queued for the session arrives well within it, and a session released early is
   * only accepted again, in order, when its next message comes.
   */
  sessionIdleTimeoutMs?: number;
  /** Longest single receive wait, which also bounds how long stop waits for one. Default 1 s. */
  receiveWaitMs?: number;
  /** Longest single wait for a session to accept, which also bounds stop. Default 5 s. */
  sessionAcceptWaitMs?: number;
  /** How long stop waits for in-flight invocations before closing anyway. Default 30 s. */
  stopTimeoutMs?: number;
  /** Where log lines go. Default: stderr from `info` up. */
  log?: HostLog;
}

/** What `load` accepts: a module path or URL to import, or a function that registers. */
export type AppSource = string | URL | (() => unknown);

/** A loaded function as the host serves it. */
export interface HostedFunction {
  name: string;
  kind: 'http' | 'serviceBus';
  /** `GET,POST /api/v1/messages/{id}` or `hl7-inbound (sessions)`. */
  describe: string;
}

/** A host created by `createHost`. */
export interface LocalHost {
  /**
   * Imports an app module (or runs a registering function) and captures its
   * registrations. A module already imported in this process registers nothing again.
   * @throws {HostError} INVALID_STATE after start; LOAD_FAILED when the import throws;
   *   DUPLICATE_FUNCTION, UNSUPPORTED_TRIGGER or UNSUPPORTED_BINDING from a registration.
   */
  load(source: AppSource): Promise<void>;
  /**
   * Runs the app-start hooks, starts the HTTP server and the Service Bus listeners.
   * @throws {HostError} INVALID_STATE, INVALID_ROUTE, CONNECTION_MISSING, UNSUPPORTED_BINDING,
   *   LISTEN_FAILED; nothing is left running when it throws.
   */
  start(): Promise<void>;
  /**
   * Stops accepting requests and messages, finishes the invocations in flight (up to
   * `stopTimeoutMs`), settles their messages, closes receivers and clients, and runs the
   * app-terminate hooks. Idempotent.
   */
  stop(): Promise<void>;
  /** The HTTP port once started. */
  readonly port: number | undefined;
  /** `http://127.0.0.1:<port>` once started. */
  readonly baseUrl: string | undefined;
  /** The functions loaded so far. */
  readonly functions: HostedFunction[];
}

const LOOPBACK = '127.0.0.1';

function describeFunction(fn: RegisteredFunction, routePrefix: string): string {
  if (fn.kind === 'http') {
    const methods = Array.isArray(fn.trigger.methods) ? fn.trigger.methods.join(',') : 'GET,POST';
    const route = typeof fn.trigger.route === 'string' ? fn.trigger.route : fn.name;
    return `${methods} /${[routePrefix, route].filter(Boolean).join('/')}`;
  }
  const queue =
    fn.trigger.queueName ??
    `${String(fn.trigger.topicName)}/${String(fn.trigger.subscriptionName)}`;
  return `${String(queue)}${fn.trigger.isSessionsEnabled === true ? ' (sessions)' : ''}`;
}

async function importSource(source: AppSource): Promise<void> {
  if (typeof source === 'function') {
    await source();
    return;
  }
  const href =
    source instanceof URL
      ? source.href
      : source.startsWith('file:')
        ? source
        : pathToFileURL(isAbsolute(source) ? source : resolve(source)).href;
  await import(href);
}

/** Creates a host; nothing listens until `start`. */
export function createHost(options: HostOptions = {}): LocalHost {
  const log = options.log ?? consoleHostLog('info');
  const routePrefix = (options.routePrefix ?? 'api').replace(/^\/+|\/+$/g, '');
  const receiveSettings: ReceiveSettings = {
    maxConcurrentCalls: options.maxConcurrentCalls ?? 16,
    maxConcurrentSessions: options.maxConcurrentSessions ?? 8,
    maxAutoLockRenewalDurationMs: options.maxAutoLockRenewalDurationMs ?? 5 * 60_000,
    sessionIdleTimeoutMs: options.sessionIdleTimeoutMs ?? DEFAULT_SESSION_IDLE_TIMEOUT_MS,
    receiveWaitMs: options.receiveWaitMs ?? 1_000,
    sessionAcceptWaitMs: options.sessionAcceptWaitMs ?? 5_000,
  };
  const settings: SettingLookup = (name) => options.settings?.[name] ?? process.env[name];
  const stopTimeoutMs = options.stopTimeoutMs ?? 30_000;

  installFunctionsCore();
  const app = new FunctionApp();
  let state: 'created' | 'starting' | 'started' | 'stopped' = 'created';
  let server: HttpTriggerServer | undefined;
  let port: number | undefined;
  const pumps: TriggerPump[] = [];
  const clients = new Map<string, ServiceBusClient>();

  const systemLog = (
    level: Parameters<typeof toHostLogLevel>[0],
    _category: unknown,
    message: string,
  ) => {
    const hostLevel = toHostLogLevel(level);
    if (hostLevel) log({ level: hostLevel, source: 'system', message });
  };

  function clientFor(connectionString: string): ServiceBusClient {
    let client = clients.get(connectionString);
    if (!client) {
      client = new ServiceBusClient(connectionString);
      clients.set(connectionString, client);
    }
    return client;
  }

  function createPumps(): TriggerPump[] {
    const created: TriggerPump[] = [];
    for (const fn of app.functions.values()) {
      if (fn.kind !== 'serviceBus') continue;
      const entity = triggerEntity(fn, settings);
      const connectionString = triggerConnectionString(
        fn,
        settings,
        options.serviceBusConnectionString,
      );
      created.push(
        entity.sessions
          ? new SessionPump(app, fn, connectionString, entity, receiveSettings, log)
          : new MessagePump(app, fn, clientFor(connectionString), entity, receiveSettings, log),
      );
      log({
        level: 'debug',
        source: 'host',
        functionName: fn.name,
        message: `listening on ${describeEntity(entity)}`,
      });
    }
    return created;
  }

  async function closeClients(): Promise<void> {
    await Promise.allSettled([...clients.values()].map((client) => client.close()));
    clients.clear();
  }

  async function checkCapabilities(): Promise<void> {
    const model = currentProgrammingModel();
    if (!model || app.functions.size === 0) return;
    const capabilities = await model.getCapabilities({});
    if (capabilities.HttpUri) {
      throw new HostError(
        'UNSUPPORTED_BINDING',
        'the app enables HTTP streaming (app.setup({ enableHttpStream: true })), which this host does not run',
      );
    }
  }

  async function startServing(): Promise<void> {
    const routes = buildHttpRoutes([...app.functions.values()].filter((fn) => fn.kind === 'http'));
    pumps.push(...createPumps());
    await checkCapabilities();
    await app.runHooks('appStart', {
      hookData: {},
      appHookData: app.appHookData,
      functionAppDirectory: process.cwd(),
    });

    server = new HttpTriggerServer(
      app,
      routes,
      {
        port: options.port ?? 7071,
        hostname: LOOPBACK,
        routePrefix,
        maxRequestBodyBytes: options.maxRequestBodyBytes ?? 100 * 1024 * 1024,
        hostKey: options.hostKey,
      },
      log,
    );
    try {
      port = await server.listen();
    } catch (error) {
      server = undefined;
      throw new HostError('LISTEN_FAILED', `cannot listen on ${LOOPBACK}:${options.port ?? 7071}`, {
        cause: error,
      });
    }
    for (const pump of pumps) pump.start();
  }

  async function drain(): Promise<void> {
    const stopping = Promise.allSettled([server?.close(), ...pumps.map((pump) => pump.stop())]);
    const timedOut = Symbol('timed out');
    const outcome = await Promise.race([stopping, sleep(stopTimeoutMs, timedOut, { ref: false })]);
    if (outcome === timedOut) {
      log({
        level: 'error',
        source: 'host',
        message: `in-flight invocations did not finish within ${stopTimeoutMs} ms; closing anyway`,
      });
    }
  }

  const host: LocalHost = {
    get port() {
      return port;
    },
    get baseUrl() {
      return port === undefined ? undefined : `http://${LOOPBACK}:${port}`;
    },
    get functions() {
      return [...app.functions.values()].map((fn) => ({
        name: fn.name,
        kind: fn.kind,
        describe: describeFunction(fn, routePrefix),
      }));
    },

    async load(source) {
      if (state !== 'created') {
        throw new HostError(
          'INVALID_STATE',
          `load() is only possible before start (host is ${state})`,
        );
      }
      const before = app.functions.size;
      setSystemLogSink(systemLog);
      app.beginApp();
      try {
        await captureRegistrations(app, () => importSource(source));
      } catch (error) {
        if (isHostError(error)) throw error;
        throw new HostError('LOAD_FAILED', `loading ${String(source)} failed`, { cause: error });
      }
      if (app.functions.size === before) {
        log({
          level: 'warn',
          source: 'host',
          message: `loading ${typeof source === 'function' ? 'a function' : String(source)} registered no function (imported before in this process?)`,
        });
      }
    },

    async start() {
      if (state !== 'created') {
        throw new HostError('INVALID_STATE', `start() is only possible once (host is ${state})`);
      }
      state = 'starting';
      try {
        await startServing();
      } catch (error) {
        state = 'stopped';
        await Promise.allSettled(pumps.map((pump) => pump.stop()));
        await closeClients();
        throw error;
      }
      state = 'started';
      for (const fn of host.functions) {
        log({ level: 'info', source: 'host', functionName: fn.name, message: fn.describe });
      }
    },

    async stop() {
      if (state !== 'started') {
        state = 'stopped';
        return;
      }
      state = 'stopped';

      await drain();
      await closeClients();
      await app.runHooks('appTerminate', { hookData: {}, appHookData: app.appHookData });
    },
  };
  return host;
}
