/**
 * One OpenTelemetry setup per app: a tracer and a meter with the app's service name, and
 * exporters chosen by configuration. Azure Monitor when `APPLICATIONINSIGHTS_CONNECTION_STRING`
 * is set; OTLP over HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set; and, on one machine, an
 * in-process reader that `/api/metrics` renders as Prometheus text.
 *
 * Each app keeps its own providers rather than the global ones, because the local host runs
 * the three apps in one process and each must still report under its own service name
 * (Application Insights' cloud role). Only the context manager is process-wide. The apps
 * use the OpenTelemetry API (`Tracer`, `Meter`, `Span`) and never an exporter.
 */
import { context, type Meter, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  ApplicationInsightsSampler,
  AzureMonitorMetricExporter,
  AzureMonitorTraceExporter,
  type AzureMonitorExporterOptions,
} from '@azure/monitor-opentelemetry-exporter';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

import { ConfigError, type Environment } from '../config.js';
import { GatewayMetrics } from './metrics.js';
import { PrometheusReader } from './prometheus.js';
import { telemetryState } from './state.js';

/** The settings telemetry reads from the environment. */
export interface TelemetrySettings {
  /** `APPLICATIONINSIGHTS_CONNECTION_STRING`: export to Azure Monitor. */
  applicationInsightsConnectionString?: string;
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`: export over OTLP/HTTP (the exporters read the rest). */
  otlpEndpoint?: string;
  /**
   * `HL7GW_PROMETHEUS` (`true`/`false`): keep metrics for `/api/metrics`. Defaults to on
   * when neither exporter is configured, which is the case on one machine.
   */
  prometheus: boolean;
  /** `HL7GW_TRACE_SAMPLING_RATIO`: the share of traces kept, 0 to 1; default 1. */
  samplingRatio: number;
  /** `HL7GW_METRICS_EXPORT_INTERVAL_MS`: how often metrics are pushed; default 60,000. */
  metricExportIntervalMs: number;
  /** `HL7GW_ENVIRONMENT`, as `deployment.environment.name`. */
  environment?: string;
}

/** Options of `setupTelemetry`. */
export interface TelemetryOptions {
  /** The app: `ingest`, `processor`, `deadletter`. */
  service: string;
  /** The environment to read settings from; `process.env` when absent. */
  env?: Environment;
}

/** One app's telemetry. */
export interface Telemetry {
  /** The service name every span and metric carries. */
  readonly service: string;
  /** The app's tracer. */
  readonly tracer: Tracer;
  /** The app's meter. */
  readonly meter: Meter;
  /** The gateway's instruments on `meter`. */
  readonly metrics: GatewayMetrics;
  /** The settings it was built from. */
  readonly settings: TelemetrySettings;
  /** Exports everything recorded so far. Never throws; export failures are the SDK's to log. */
  forceFlush(): Promise<void>;
  /** Flushes and stops the exporters; the app's telemetry is set up anew on next use. */
  shutdown(): Promise<void>;
}

/** Defaults of the telemetry settings. */
export const TELEMETRY_DEFAULTS = { samplingRatio: 1, metricExportIntervalMs: 60_000 } as const;

/**
 * Reads the telemetry settings. Throws `ConfigError` naming a malformed setting.
 */
export function parseTelemetrySettings(env: Environment): TelemetrySettings {
  const connectionString = text(env, 'APPLICATIONINSIGHTS_CONNECTION_STRING');
  const otlpEndpoint = text(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const prometheusText = text(env, 'HL7GW_PROMETHEUS')?.toLowerCase();
  if (prometheusText !== undefined && !['true', 'false'].includes(prometheusText)) {
    throw new ConfigError('HL7GW_PROMETHEUS', 'must be true or false');
  }

  const ratioText = text(env, 'HL7GW_TRACE_SAMPLING_RATIO');
  const samplingRatio = ratioText === undefined ? TELEMETRY_DEFAULTS.samplingRatio : +ratioText;
  if (!(samplingRatio >= 0 && samplingRatio <= 1)) {
    throw new ConfigError('HL7GW_TRACE_SAMPLING_RATIO', 'must be a number from 0 to 1');
  }
  const intervalText = text(env, 'HL7GW_METRICS_EXPORT_INTERVAL_MS');
  const metricExportIntervalMs =
    intervalText === undefined ? TELEMETRY_DEFAULTS.metricExportIntervalMs : +intervalText;
  if (!Number.isInteger(metricExportIntervalMs) || metricExportIntervalMs < 100) {
    throw new ConfigError('HL7GW_METRICS_EXPORT_INTERVAL_MS', 'must be an integer of 100 or more');
  }

  const environment = text(env, 'HL7GW_ENVIRONMENT');
  return {
    ...(connectionString === undefined
      ? {}
      : { applicationInsightsConnectionString: connectionString }),
    ...(otlpEndpoint === undefined ? {} : { otlpEndpoint }),
    prometheus:
      prometheusText === undefined
        ? connectionString === undefined && otlpEndpoint === undefined
        : prometheusText === 'true',
    samplingRatio,
    metricExportIntervalMs,
    ...(environment === undefined ? {} : { environment }),
  };
}

/**
 * The telemetry of `service`, set up on first call and shared after: every handler of an app
 * gets the same tracer, meter and instruments. Throws `ConfigError` for a malformed setting.
 */
export function setupTelemetry(options: TelemetryOptions): Telemetry {
  const state = telemetryState();
  const existing = state.instances.get(options.service);
  if (existing !== undefined) return existing;

  ensureContextManager();
  const settings = parseTelemetrySettings(options.env ?? process.env);
  const telemetry = build(options.service, settings);
  state.instances.set(options.service, telemetry);
  return telemetry;
}

/** Every app's telemetry set up in this process. */
export function activeTelemetry(): Telemetry[] {
  return [...telemetryState().instances.values()];
}

/** Flushes and stops every app's telemetry in this process (tests, shutdown). */
export async function shutdownTelemetry(): Promise<void> {
  await Promise.allSettled(activeTelemetry().map((telemetry) => telemetry.shutdown()));
}

function build(service: string, settings: TelemetrySettings): Telemetry {
  const resource = resourceFromAttributes({
    'service.name': service,
    'service.namespace': 'hl7gw',
    ...(settings.environment === undefined
      ? {}
      : { 'deployment.environment.name': settings.environment }),
  });

  const spanProcessors: SpanProcessor[] = [];
  const readers: MetricReader[] = [];
  let sampler: Sampler = new ParentBasedSampler({
    root: new TraceIdRatioBasedSampler(settings.samplingRatio),
  });

  if (settings.applicationInsightsConnectionString !== undefined) {
    const exporterOptions: AzureMonitorExporterOptions = {
      connectionString: settings.applicationInsightsConnectionString,
      ...telemetryState().azureMonitorOverrides,
    };
    spanProcessors.push(new BatchSpanProcessor(new AzureMonitorTraceExporter(exporterOptions)));
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new AzureMonitorMetricExporter(exporterOptions),
        exportIntervalMillis: settings.metricExportIntervalMs,
      }),
    );
    // Application Insights' own sampler keeps or drops a whole operation across services.
    sampler = new ApplicationInsightsSampler(settings.samplingRatio);
  }
  if (settings.otlpEndpoint !== undefined) {
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(),
        exportIntervalMillis: settings.metricExportIntervalMs,
      }),
    );
  }
  let prometheus: PrometheusReader | undefined;
  if (settings.prometheus) {
    prometheus = new PrometheusReader(service);
    readers.push(prometheus);
    telemetryState().prometheusReaders.add(prometheus);
  }

  const tracerProvider = new BasicTracerProvider({ resource, sampler, spanProcessors });
  const meterProvider = new MeterProvider({ resource, readers });
  const tracer = tracerProvider.getTracer('hl7gw', '1');
  const meter = meterProvider.getMeter('hl7gw', '1');

  const telemetry: Telemetry = {
    service,
    tracer,
    meter,
    metrics: new GatewayMetrics(meter),
    settings,
    forceFlush: async () => {
      await Promise.allSettled([tracerProvider.forceFlush(), meterProvider.forceFlush()]);
    },
    shutdown: async () => {
      const state = telemetryState();
      if (state.instances.get(service) === telemetry) state.instances.delete(service);
      if (prometheus !== undefined) state.prometheusReaders.delete(prometheus);
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
  return telemetry;
}

/** Context (the active span) follows async calls once per process, whoever sets it up. */
function ensureContextManager(): void {
  const state = telemetryState();
  if (state.contextManagerInstalled) return;
  const manager = new AsyncLocalStorageContextManager().enable();
  // False when another library registered one first; theirs carries context just as well.
  context.setGlobalContextManager(manager);
  state.contextManagerInstalled = true;
}

function text(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}
