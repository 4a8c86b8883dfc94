/**
 * The process-wide telemetry state: each app's telemetry, the Prometheus readers, and
 * test overrides of the Azure Monitor exporter options. It lives on `globalThis` because
 * one process may hold two copies of this module (a test runner that transforms it, and
 * the apps that the local host imports natively) and both must see the same apps.
 */
import type { AzureMonitorExporterOptions } from '@azure/monitor-opentelemetry-exporter';

import type { PrometheusReader } from './prometheus.js';
import type { Telemetry } from './setup.js';

/** What the process shares. */
export interface TelemetryState {
  /** Each app's telemetry by service name. */
  instances: Map<string, Telemetry>;
  /** Readers rendered by `/api/metrics`. */
  prometheusReaders: Set<PrometheusReader>;
  /** Options merged into the Azure Monitor exporters' (tests: an in-memory `httpClient`). */
  azureMonitorOverrides: Partial<AzureMonitorExporterOptions>;
  /** Whether the async context manager is installed. */
  contextManagerInstalled: boolean;
}

const KEY = Symbol.for('hl7gw.telemetry.state');

/** The state, created on first use. */
export function telemetryState(): TelemetryState {
  const holder = globalThis as { [KEY]?: TelemetryState };
  holder[KEY] ??= {
    instances: new Map(),
    prometheusReaders: new Set(),
    azureMonitorOverrides: {},
    contextManagerInstalled: false,
  };
  return holder[KEY];
}
