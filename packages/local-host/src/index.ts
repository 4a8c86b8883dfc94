/**
 * @hl7gw/local-host: an Azure Functions host for one machine. It runs the apps' real
 * `@azure/functions` registrations: HTTP triggers on 127.0.0.1 under `/api`, Service Bus
 * queue and topic triggers through `@azure/service-bus`, and starts the local platform
 * (the Service Bus-compatible broker and Azurite).
 */
export {
  createHost,
  type AppSource,
  type HostedFunction,
  type HostOptions,
  type LocalHost,
} from './host.js';
export { HostError, isHostError, type HostErrorCode } from './host-error.js';
export { DEFAULT_SESSION_IDLE_TIMEOUT_MS } from './servicebus/receive-settings.js';
export {
  consoleHostLog,
  silentHostLog,
  type HostLog,
  type HostLogEntry,
  type HostLogLevel,
  type HostLogSource,
} from './log.js';
export { installFunctionsCore } from './core/functions-core.js';
export {
  startLocalPlatform,
  type LocalPlatform,
  type LocalPlatformOptions,
} from './platform/local-platform.js';
export {
  startAzurite,
  azuriteConnectionString,
  type AzuriteOptions,
  type RunningAzurite,
} from './platform/azurite.js';
export { runLocalHost, type RunLocalHostOptions, type RunningLocalHost } from './run-local-host.js';
export { stopOnSignals, type Stoppable } from './shutdown-signals.js';
export {
  DEFAULT_MERGED_ROUTES,
  firstAnswer,
  mergeHealth,
  mergeOpenApi,
  type MergeAnswer,
  type MergeRule,
} from './http/merged-routes.js';
