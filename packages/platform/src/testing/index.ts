/**
 * Test support for packages that use the platform: a real Azurite on ephemeral ports,
 * a storage reachability check, and an in-memory log capture. Imported as
 * `@hl7gw/platform/testing`; nothing here belongs in production code paths.
 */
export { startAzurite, type RunningAzurite, type StartAzuriteOptions } from './azurite.js';
export { checkStorageReachable } from '../storage-probe.js';
export { captureLogs, type CapturedLogs } from '../log-capture.js';
export { FAST_STORAGE_RETRY } from './fast-retry.js';
export {
  CAPTURE_CONNECTION_STRING,
  captureAzureMonitor,
  type AzureMonitorCapture,
  type Envelope,
} from './azure-monitor-capture.js';
export { lintOpenApi, type LintProblem, type LintReport } from './openapi-lint.js';
