import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { captureAzureMonitor, type AzureMonitorCapture } from '../testing/azure-monitor-capture.js';
import { METRIC_NAMES } from './metrics.js';
import { metricsSummary, percentile, prometheusText } from './prometheus.js';
import { setupTelemetry, shutdownTelemetry, type Telemetry } from './setup.js';
import { parseTraceparent, producerSpan, tracedInvocations } from './spans.js';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/** Runs `handler` as the Functions worker would, through the app's pre-invocation hook. */
async function invoke(
  service: string,
  invocation: Record<string, unknown>,
  input: unknown,
  handler: (...args: unknown[]) => unknown,
): Promise<unknown> {
  const hook = { invocationContext: invocation, inputs: [input], functionHandler: handler };
  tracedInvocations(service)(hook as never);
  return (hook.functionHandler as (...args: unknown[]) => unknown)(input, invocation);
}

describe('telemetry through the Azure Monitor exporter', () => {
  let capture: AzureMonitorCapture;
  let telemetry: Telemetry;
  let sentTraceparent: string | undefined;

  beforeAll(async () => {
    capture = captureAzureMonitor();
    telemetry = setupTelemetry({
      service: 'ingest',
      env: { ...process.env, HL7GW_PROMETHEUS: 'true', HL7GW_ENVIRONMENT: 'test' },
    });

    const request = {
      method: 'POST',
      url: 'http://127.0.0.1:7071/api/v1/messages?x=1',
      headers: new Headers({ traceparent: `00-${CALLER_TRACE}-00f067aa0ba902b7-01` }),
    };
    const invocation = {
      functionName: 'ingestSubmitMessage',
      options: { trigger: { type: 'httpTrigger', route: 'v1/messages' } },
    };
    await invoke('ingest', invocation, request, async () => {
      await producerSpan('hl7-inbound', undefined, {}, async (traceparent) => {
        sentTraceparent = traceparent;
      });
      telemetry.metrics.received({
        messageType: 'ORU^R01',
        sendingFacility: 'LAB',
        outcome: 'queued',
      });
      telemetry.metrics.processingDuration(120, { messageType: 'ORU^R01', outcome: 'published' });
      return { status: 202 };
    });
    await telemetry.forceFlush();
  });

  afterAll(async () => {
    capture.stop();
    await shutdownTelemetry();
  });

  it('sends a Request for the HTTP call with its result code, in the caller trace', () => {
    const [request] = capture.ofType('RequestData');
    expect(request?.data.baseData).toMatchObject({
      name: 'POST /api/v1/messages',
      responseCode: '202',
      success: true,
    });
    expect(request?.tags['ai.operation.id']).toBe(CALLER_TRACE);
    expect(request?.tags['ai.cloud.role']).toContain('ingest');
  });

  it('sends a RemoteDependency for the bus send whose context the message carries', () => {
    const [dependency] = capture.ofType('RemoteDependencyData');
    expect(dependency?.data.baseData).toMatchObject({ name: 'send hl7-inbound' });
    expect(dependency?.tags['ai.operation.id']).toBe(CALLER_TRACE);
    const carried = parseTraceparent(sentTraceparent);
    expect(carried?.traceId).toBe(CALLER_TRACE);
    expect(carried?.spanId).toBe(dependency?.data.baseData.id);
  });

  it('sends the custom metrics with their names and dimensions', () => {
    const metrics = capture
      .ofType('MetricData')
      .flatMap((envelope) => envelope.data.baseData.metrics as { name: string }[]);
    const received = capture
      .ofType('MetricData')
      .find((envelope) =>
        (envelope.data.baseData.metrics as { name: string }[]).some(
          (metric) => metric.name === METRIC_NAMES.received,
        ),
      );
    expect(metrics.map((metric) => metric.name)).toEqual(
      expect.arrayContaining([METRIC_NAMES.received, METRIC_NAMES.processingDuration]),
    );
    expect(received?.data.baseData.properties).toMatchObject({
      messageType: 'ORU^R01',
      sendingFacility: 'LAB',
      outcome: 'queued',
    });
  });

  it('serves the same metrics as Prometheus text and a summary', async () => {
    const text = await prometheusText();
    expect(text).toContain('# TYPE hl7gw_messages_received_total counter');
    expect(text).toMatch(
      /hl7gw_messages_received_total\{service="ingest",messageType="ORU\^R01",sendingFacility="LAB",outcome="queued"\} 1/,
    );
    expect(text).toContain(
      'hl7gw_processing_duration_bucket{service="ingest",messageType="ORU^R01",outcome="published",le="150"} 1',
    );
    expect(await metricsSummary()).toMatchObject({ received: 1, p95ProcessingMs: 150 });
  });

  it('opens no socket: every export went through the in-memory client', () => {
    expect(capture.requests).toBeGreaterThan(0);
  });
});

describe('consumer spans', () => {
  it('continues the trace a message carries and marks a throw as failed', async () => {
    const consumer = setupTelemetry({ service: 'processor-unit', env: {} });
    const parent = `00-${CALLER_TRACE}-00f067aa0ba902b7-01`;
    const invocation = {
      functionName: 'processInbound',
      options: { trigger: { type: 'serviceBusTrigger', queueName: 'hl7-inbound' } },
      triggerMetadata: {
        applicationProperties: { traceparent: parent },
        enqueuedTimeUtc: new Date(Date.now() - 50).toISOString(),
      },
      traceContext: { traceParent: parent },
    };
    let seen: string | undefined;
    await expect(
      invoke('processor-unit', invocation, {}, () => {
        seen = (invocation.traceContext as { traceParent: string }).traceParent;
        throw Object.assign(new Error('storage down'), { code: 'STORAGE_UNAVAILABLE' });
      }),
    ).rejects.toThrow('storage down');
    expect(parseTraceparent(seen)?.traceId).toBe(CALLER_TRACE);
    expect(parseTraceparent(seen)?.spanId).not.toBe('00f067aa0ba902b7');
    await consumer.shutdown();
  });
});

describe('percentile', () => {
  it('reads the bucket holding the rank', () => {
    const bounds = [10, 100, 1_000];
    expect(percentile([{ bounds, counts: [90, 5, 5, 0] }], 0.95)).toBe(100);
    expect(percentile([{ bounds, counts: [90, 4, 6, 0] }], 0.95)).toBe(1_000);
    expect(percentile([{ bounds, counts: [0, 0, 0, 0] }], 0.95)).toBeUndefined();
  });
});

describe('parseTraceparent', () => {
  it.each([
    ['00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['not a traceparent'],
  ])('refuses %s', (value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });
});
