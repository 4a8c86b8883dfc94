/**
 * Captures what the Azure Monitor exporters send, in memory: an `httpClient` handed to the
 * exporters answers every request itself, so no socket is opened, and keeps the envelopes.
 * Statsbeat (which would reach Microsoft's hosts and the VM metadata address) is turned off
 * through `APPLICATION_INSIGHTS_NO_STATSBEAT`, and offline storage is off, so nothing is
 * written to disk or retried later.
 */
import { gunzipSync } from 'node:zlib';

import {
  createHttpHeaders,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';

import { telemetryState } from '../telemetry/state.js';

/** A connection string for captured telemetry: a well-formed key and a loopback endpoint. */
export const CAPTURE_CONNECTION_STRING =
  'InstrumentationKey=00000000-0000-4000-8000-000000000001;IngestionEndpoint=http://127.0.0.1:9/';

/** One Application Insights envelope as the exporter sends it. */
export interface Envelope {
  /** `Microsoft.ApplicationInsights.Request`, `...RemoteDependency`, `...Metric`, ... */
  name: string;
  /** When it happened. */
  time: string;
  /** Context tags: `ai.operation.id`, `ai.operation.parentId`, `ai.cloud.role`, ... */
  tags: Record<string, string>;
  /** `{ baseType, baseData }`. */
  data: { baseType: string; baseData: Record<string, unknown> };
}

/** The capture. */
export interface AzureMonitorCapture {
  /** Every envelope sent so far, in order. */
  readonly envelopes: Envelope[];
  /** How many requests the exporters made. */
  readonly requests: number;
  /** Envelopes whose `data.baseType` is `type` (`RequestData`, `RemoteDependencyData`, ...). */
  ofType(type: string): Envelope[];
  /** Stops capturing: later exporters are built without the in-memory client. */
  stop(): void;
}

/**
 * Routes the Azure Monitor exporters of every app set up from now on (`setupTelemetry`)
 * into memory, and sets the environment they need: a connection string (unless one is
 * set), statsbeat off. Call before the apps set up their telemetry.
 */
export function captureAzureMonitor(): AzureMonitorCapture {
  const envelopes: Envelope[] = [];
  let requests = 0;
  const httpClient: HttpClient = {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      requests += 1;
      const sent = readEnvelopes(request);
      envelopes.push(...sent);
      const body = JSON.stringify({
        itemsReceived: sent.length,
        itemsAccepted: sent.length,
        errors: [],
      });
      return {
        request,
        status: 200,
        headers: createHttpHeaders({ 'content-type': 'application/json' }),
        bodyAsText: body,
      };
    },
  };

  process.env.APPLICATION_INSIGHTS_NO_STATSBEAT = 'true';
  process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED = 'true';
  process.env.APPLICATIONINSIGHTS_SDKSTATS_DISABLED = 'true';
  process.env.APPLICATIONINSIGHTS_CONNECTION_STRING ??= CAPTURE_CONNECTION_STRING;
  const state = telemetryState();
  state.azureMonitorOverrides = { httpClient, disableOfflineStorage: true };

  return {
    envelopes,
    get requests() {
      return requests;
    },
    ofType: (type) => envelopes.filter((envelope) => envelope.data.baseType === type),
    stop() {
      state.azureMonitorOverrides = {};
    },
  };
}

function readEnvelopes(request: PipelineRequest): Envelope[] {
  const body = request.body;
  let bytes: Buffer;
  if (typeof body === 'string') bytes = Buffer.from(body, 'utf8');
  else if (Buffer.isBuffer(body) || body instanceof Uint8Array) bytes = Buffer.from(body);
  else return [];

  const encoding = request.headers.get('content-encoding');
  const text = (encoding === 'gzip' ? gunzipSync(bytes) : bytes).toString('utf8');
  const parsed = JSON.parse(text) as unknown;
  return (Array.isArray(parsed) ? parsed : [parsed]) as Envelope[];
}
