/**
 * What the gateway tells Application Insights, captured in memory: the three apps on the
 * local host export through the Azure Monitor exporter into an in-memory `httpClient` (no
 * socket, statsbeat off). A message that dead-letters must read as one operation across
 * ingest, processor and deadletter, and its operator replay as another, with the business
 * metrics beside them.
 */
import { activeTelemetry } from '@hl7gw/platform';
import {
  captureAzureMonitor,
  type AzureMonitorCapture,
  type Envelope,
} from '@hl7gw/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { call, eventually, submit, waitForStatus } from '../support/client.js';
import { startGateway, type Gateway } from '../support/gateway.js';
import { oru } from '../support/hl7.js';

let capture: AzureMonitorCapture;
let gateway: Gateway;
let gatewayId: string;
let replayId: string;

beforeAll(async () => {
  // Before the apps set up their telemetry, which they do on their first invocation.
  capture = captureAzureMonitor();
  gateway = await startGateway({ env: { HL7GW_PROMETHEUS: 'true' } });

  // No PID-3: the processor dead-letters it as `validation`, the deadletter app parks it.
  const answer = await submit(gateway, oru({ controlId: 'TRACE-0001', patientId: '' }));
  expect(answer.status).toBe(202);
  gatewayId = (answer.body as { id: string }).id;
  await waitForStatus(gateway, gatewayId, 'dead-lettered');
  await parked(gatewayId);

  // Replayed unchanged, it dead-letters again, and is parked under its new id.
  const replay = await call(gateway, 'POST', `/v1/deadletters/${gatewayId}/replay`);
  expect(replay.status).toBe(202);
  replayId = (replay.body as { id: string }).id;
  await parked(replayId);

  await Promise.all(activeTelemetry().map((telemetry) => telemetry.forceFlush()));
});

afterAll(async () => {
  await gateway?.stop();
  capture?.stop();
});

describe('one trace per message across the apps', () => {
  it('sends a Request for the ingest call with its result code', () => {
    const request = requestNamed('POST /api/v1/messages');
    expect(request.data.baseData).toMatchObject({ responseCode: '202', success: true });
    expect(request.tags['ai.cloud.role']).toMatch(/ingest$/);
  });

  it('sends a RemoteDependency for the bus send in the same operation', () => {
    const operationId = requestNamed('POST /api/v1/messages').tags['ai.operation.id'];
    const sends = inOperation(operationId, 'RemoteDependencyData').filter(
      (envelope) => envelope.data.baseData.name === 'send hl7-inbound',
    );
    expect(sends).toHaveLength(1);
    const tables = inOperation(operationId, 'RemoteDependencyData').filter((envelope) =>
      String(envelope.data.baseData.name).includes('hl7gw'),
    );
    expect(tables.length).toBeGreaterThan(0);
  });

  it('shares one operation id between ingest, processor and deadletter for a dead letter', () => {
    const operationId = requestNamed('POST /api/v1/messages').tags['ai.operation.id'];
    const requests = inOperation(operationId, 'RequestData');
    const byRole = new Map(requests.map((envelope) => [roleOf(envelope), envelope]));

    expect(byRole.get('processor')?.data.baseData.name).toBe('process hl7-inbound');
    expect(byRole.get('deadletter')?.data.baseData.name).toBe(
      'process hl7-inbound/$deadletterqueue',
    );
    // The processor continues the bus send; the park continues the processor's message.
    const send = inOperation(operationId, 'RemoteDependencyData').find(
      (envelope) => envelope.data.baseData.name === 'send hl7-inbound',
    );
    expect(byRole.get('processor')?.tags['ai.operation.parentId']).toBe(send?.data.baseData.id);
  });

  it('carries the replay and its second dead letter in the operator request operation', () => {
    const replay = requestNamed(`POST /api/v1/deadletters/{id}/replay`);
    expect(replay.data.baseData.responseCode).toBe('202');
    const roles = inOperation(replay.tags['ai.operation.id'], 'RequestData').map(roleOf);
    expect(roles).toEqual(expect.arrayContaining(['deadletter', 'processor']));
    expect(roles.filter((role) => role === 'deadletter')).toHaveLength(2);
  });
});

describe('custom metrics', () => {
  it.each([
    [
      'hl7gw.messages.received',
      { messageType: 'ORU^R01', sendingFacility: 'NORTHLAB', outcome: 'queued' },
    ],
    [
      'hl7gw.deadletters',
      { category: 'validation', code: 'VALIDATION_FAILED', sendingFacility: 'NORTHLAB' },
    ],
    [
      'hl7gw.processing.duration',
      { messageType: 'ORU^R01', outcome: 'dead-lettered', category: 'validation' },
    ],
    ['hl7gw.bus.lag', { entity: 'hl7-inbound', messageType: 'ORU^R01' }],
    ['hl7gw.replays', { category: 'validation', outcome: 'replayed' }],
  ])('sends %s with its dimensions', (name, dimensions) => {
    const points = metricPoints(name);
    expect(points.length).toBeGreaterThan(0);
    expect(points).toContainEqual(expect.objectContaining(dimensions));
  });

  it('puts no patient data in any envelope', () => {
    const text = JSON.stringify(capture.envelopes);
    expect(text).not.toContain('TESTPATIENT');
    expect(text).not.toContain('19700101');
  });
});

async function parked(id: string): Promise<void> {
  await eventually(`dead letter ${id} is parked`, async () => {
    const answer = await call(gateway, 'GET', `/v1/deadletters/${id}`);
    return answer.status === 200 ? answer.body : undefined;
  });
}

function requestNamed(name: string): Envelope {
  const found = capture.ofType('RequestData').find((envelope) => {
    const requestName = String(envelope.data.baseData.name);
    return name.includes('{id}')
      ? requestName.startsWith(name.split('{id}')[0] as string)
      : requestName === name;
  });
  if (found === undefined) throw new Error(`no Request named ${name}`);
  return found;
}

function inOperation(operationId: string | undefined, type: string): Envelope[] {
  return capture
    .ofType(type)
    .filter((envelope) => envelope.tags['ai.operation.id'] === operationId);
}

function roleOf(envelope: Envelope): string {
  return String(envelope.tags['ai.cloud.role']).split('.').at(-1) as string;
}

/** The dimensions of every data point of metric `name`. */
function metricPoints(name: string): Record<string, unknown>[] {
  return capture
    .ofType('MetricData')
    .filter((envelope) =>
      (envelope.data.baseData.metrics as { name: string }[]).some((metric) => metric.name === name),
    )
    .map((envelope) => (envelope.data.baseData.properties ?? {}) as Record<string, unknown>);
}
