import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';

import type { ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';
import { encodeMllp, MllpDecoder, parse, toResult } from '@hl7gw/hl7-core';
import {
  encodeResult,
  newGatewayId,
  PlatformError,
  rawBlobName,
  TestClock,
  type StatusRecord,
} from '@hl7gw/platform';
import { captureLogs } from '@hl7gw/platform/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { oruR01 } from '../test-support/messages.js';
import { AllowList } from './allow-list.js';
import { CircuitBreaker } from './breaker.js';
import { createDeliverResult, type DeliverResultDeps } from './deliver-result.js';
import { parseDestinations, type Destination } from './destinations.js';
import { CONNECTORS } from './delivery-runtime.js';
import { verifyWebhook } from './signature.js';

// The handler with real connectors against real servers on 127.0.0.1; only the bus
// settlement, the scheduler and the status store are in memory, to see what it did.

const SECRET = 'w'.repeat(40);

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let http: Server;
let httpPort: number;
let answers: number[] = [];
let received: Received[] = [];

let tcp: TcpServer;
let tcpPort: number;
let ackCode = 'AA';
let mllpFrames: string[] = [];

beforeAll(async () => {
  http = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = answers.shift() ?? 200;
      response.writeHead(status, { 'content-type': 'application/fhir+json' });
      response.end(
        status === 422
          ? JSON.stringify({
              resourceType: 'OperationOutcome',
              issue: [{ severity: 'error', code: 'invalid', diagnostics: 'DOE^JANE' }],
            })
          : '{}',
      );
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  httpPort = (http.address() as { port: number }).port;

  tcp = createTcpServer((socket) => {
    const decoder = new MllpDecoder();
    socket.on('data', (chunk) => {
      for (const frame of decoder.push(chunk)) {
        const text = Buffer.from(frame).toString('utf8');
        mllpFrames.push(text);
        const controlId = parse(text).controlId;
        if (ackCode === 'silent') continue;
        socket.write(
          encodeMllp(
            `MSH|^~\\&|HIE|HIE|LAB|LAB|20240305||ACK|A-${controlId}|P|2.5.1\rMSA|${ackCode}|${controlId}`,
          ),
        );
      }
    });
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  tcpPort = (tcp.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => http.close(resolve));
  await new Promise((resolve) => tcp.close(resolve));
});

beforeEach(() => {
  answers = [];
  received = [];
  mllpFrames = [];
  ackCode = 'AA';
});

function destination(kind: 'webhook' | 'fhir' | 'mllp', extra: object = {}): Destination {
  const url =
    kind === 'mllp' ? `mllp://127.0.0.1:${tcpPort}` : `http://127.0.0.1:${httpPort}/${kind}`;
  const [parsed] = parseDestinations({
    HL7GW_DESTINATIONS: JSON.stringify([
      {
        name: kind,
        kind,
        url,
        insecure: true,
        secretSetting: kind === 'webhook' ? 'SECRET' : undefined,
        timeoutMs: 300,
        maxAttempts: 3,
        backoffBaseMs: 1_000,
        breakerFailureThreshold: 2,
        breakerCoolDownMs: 5_000,
        ...extra,
      },
    ]),
    SECRET,
  });
  return parsed as Destination;
}

interface Harness {
  run(message: ServiceBusReceivedMessage): Promise<void>;
  settled: { action: string; reason?: string; description?: string }[];
  scheduled: { message: ServiceBusMessage; at: Date }[];
  steps: { id: string; status: string; detail?: string }[];
  records: Map<string, StatusRecord>;
  breaker: CircuitBreaker;
  clock: TestClock;
  logs: ReturnType<typeof captureLogs>;
}

function harness(target: Destination, blobs: Record<string, string> = {}): Harness {
  const clock = new TestClock(new Date('2024-03-05T08:40:00Z'));
  const logs = captureLogs('info');
  const settled: Harness['settled'] = [];
  const scheduled: Harness['scheduled'] = [];
  const steps: Harness['steps'] = [];
  const records = new Map<string, StatusRecord>();
  const breaker = new CircuitBreaker(target);
  const deps: DeliverResultDeps = {
    destination: target,
    connector: CONNECTORS[target.kind],
    breaker,
    allowList: new AllowList(['127.0.0.1']),
    statuses: {
      get: async (id) => records.get(id),
      transition: async (id, status, detail) => {
        steps.push({ id, status, ...(detail === undefined ? {} : { detail }) });
        const record = records.get(id);
        if (record === undefined) throw new PlatformError('NOT_FOUND', 'no record');
        record.history.push({
          status,
          at: clock.now().toISOString(),
          ...(detail ? { detail } : {}),
        });
        return record;
      },
    },
    blobs: {
      get: async (ref) => {
        const content = blobs[String(ref)];
        if (content === undefined) throw new PlatformError('NOT_FOUND', 'no blob');
        return Buffer.from(content);
      },
    },
    scheduler: {
      scheduleMessages: async (message, at) => {
        scheduled.push({ message, at });
      },
    },
    clock,
    logger: logs.logger,
    statusWaitMs: 0,
    random: () => 0.5,
  };
  const handler = createDeliverResult(deps);
  const actions = {
    complete: async () => void settled.push({ action: 'complete' }),
    abandon: async () => void settled.push({ action: 'abandon' }),
    defer: async () => void settled.push({ action: 'defer' }),
    deadletter: async (_m: unknown, _p: unknown, reason?: string, description?: string) =>
      void settled.push({
        action: 'deadletter',
        ...(reason ? { reason } : {}),
        ...(description ? { description } : {}),
      }),
  };
  return {
    run: (message) => handler({ messages: [message], actions }, {} as never),
    settled,
    scheduled,
    steps,
    records,
    breaker,
    clock,
    logs,
  };
}

function resultMessage(id = newGatewayId(), attempt?: number): ServiceBusReceivedMessage {
  const raw = oruR01({ controlId: 'CTL-7001', abnormalFlag: 'H' });
  const document = toResult(parse(raw), { gatewayMessageId: id });
  const encoded = encodeResult({
    gatewayId: id,
    document,
    properties: {
      messageType: 'ORU^R01',
      sendingFacility: 'CITYLAB',
      receivingFacility: 'GENERAL HOSP',
      resultStatus: 'F',
      abnormal: true,
      priority: 'R',
    },
  });
  return {
    ...encoded,
    body: Buffer.from(JSON.stringify(encoded.body)),
    applicationProperties: {
      ...encoded.applicationProperties,
      ...(attempt === undefined ? {} : { deliveryAttempt: attempt }),
    },
    deliveryCount: 0,
  } as unknown as ServiceBusReceivedMessage;
}

function record(id: string): StatusRecord {
  return { id, status: 'processed', history: [], createdAt: '2024-03-05T08:35:00Z', updatedAt: '' };
}

describe('webhook delivery', () => {
  it('posts the signed document with the gateway id as idempotency key, then records delivered', async () => {
    const h = harness(destination('webhook'));
    const id = newGatewayId();
    h.records.set(id, record(id));

    await h.run(resultMessage(id));

    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    expect(request.headers['idempotency-key']).toBe(id);
    expect(JSON.parse(request.body)).toMatchObject({ schemaVersion: 1 });
    const signature = String(request.headers['x-hl7gw-signature']);
    expect(verifyWebhook(SECRET, signature, request.body, h.clock.now().getTime())).toBeUndefined();
    expect(h.settled).toEqual([{ action: 'complete' }]);
    expect(h.steps).toEqual([{ id, status: 'delivered', detail: 'webhook' }]);
  });

  it('completes without sending a result already delivered to this destination', async () => {
    const h = harness(destination('webhook'));
    const id = newGatewayId();
    h.records.set(id, {
      ...record(id),
      history: [{ status: 'delivered', at: '', detail: 'webhook' }],
    });

    await h.run(resultMessage(id));

    expect(received).toHaveLength(0);
    expect(h.settled).toEqual([{ action: 'complete' }]);
  });
});

describe('failures', () => {
  it('dead-letters a 4xx at once as DELIVERY_REJECTED, with codes only', async () => {
    const h = harness(destination('fhir'));
    const id = newGatewayId();
    h.records.set(id, record(id));
    answers = [422];

    await h.run(resultMessage(id));

    expect(h.settled).toEqual([
      {
        action: 'deadletter',
        reason: 'DELIVERY_REJECTED',
        description: 'DELIVERY_REJECTED (HTTP_422 OperationOutcome:invalid) to fhir',
      },
    ]);
    expect(h.steps).toEqual([{ id, status: 'dead-lettered', detail: 'DELIVERY_REJECTED:fhir' }]);
    expect(h.scheduled).toHaveLength(0);
    expect(h.logs.text()).not.toContain('DOE');
  });

  it('retries a 5xx by scheduling a copy for this subscription alone, with backoff', async () => {
    const h = harness(destination('fhir'));
    const id = newGatewayId();
    answers = [503];

    await h.run(resultMessage(id));

    expect(h.settled).toEqual([{ action: 'complete' }]);
    expect(h.scheduled).toHaveLength(1);
    const [copy] = h.scheduled as [{ message: ServiceBusMessage; at: Date }];
    expect(copy.message.applicationProperties).toMatchObject({
      deliveryRetryFor: 'fhir',
      deliveryAttempt: 2,
      abnormal: true,
    });
    expect(copy.message.correlationId).toBe(id);
    expect(copy.message.messageId).not.toBe(id);
    // Attempt 1 of base 1 s with random 0.5: 750 ms.
    expect(copy.at.getTime() - h.clock.now().getTime()).toBe(750);
  });

  it('dead-letters as DELIVERY_UNAVAILABLE once the attempts are spent', async () => {
    const h = harness(destination('fhir'));
    answers = [500];

    await h.run(resultMessage(newGatewayId(), 3));

    expect(h.settled).toMatchObject([
      {
        action: 'deadletter',
        reason: 'DELIVERY_UNAVAILABLE',
        description: 'DELIVERY_UNAVAILABLE (HTTP_500) to fhir',
      },
    ]);
    expect(h.scheduled).toHaveLength(0);
  });

  it('treats a refused connection as transient', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const h = harness(destination('fhir', { url: `http://127.0.0.1:${port}/fhir` }));

    await h.run(resultMessage());

    expect(h.scheduled).toHaveLength(1);
    expect(h.logs.lines().find((l) => l.outcome === 'retry')).toMatchObject({
      reason: 'ECONNREFUSED',
    });
  });

  it('refuses a destination outside the allow-list without calling it', async () => {
    const h = harness(destination('fhir', { url: `http://localhost:${httpPort}/fhir` }));

    await h.run(resultMessage());

    expect(received).toHaveLength(0);
    expect(h.settled).toMatchObject([
      { action: 'deadletter', description: 'DELIVERY_REJECTED (DESTINATION_NOT_ALLOWED) to fhir' },
    ]);
  });

  it('opens the circuit after consecutive failures and reschedules without calling', async () => {
    const h = harness(destination('fhir'));
    answers = [503, 503];

    await h.run(resultMessage());
    await h.run(resultMessage());
    expect(h.breaker.state(h.clock.now().getTime())).toBe('open');
    await h.run(resultMessage());

    expect(received).toHaveLength(2);
    expect(h.scheduled).toHaveLength(3);
    const third = h.scheduled[2] as { message: ServiceBusMessage; at: Date };
    // The cool-down (5 s) plus up to a second of jitter; the attempt is not counted.
    expect(third.at.getTime() - h.clock.now().getTime()).toBe(5_500);
    expect(third.message.applicationProperties?.deliveryAttempt).toBe(1);

    h.clock.advance(5_000);
    await h.run(resultMessage());
    expect(received).toHaveLength(3);
    expect(h.breaker.state(h.clock.now().getTime())).toBe('closed');
  });
});

describe('MLLP delivery', () => {
  it('sends the archived original and takes AA as delivered', async () => {
    const id = newGatewayId();
    const original = oruR01({ controlId: 'CTL-ORIG' });
    const name = rawBlobName(id, new Date('2024-03-05T08:35:00Z'));
    const h = harness(destination('mllp'), { [name]: original });
    h.records.set(id, record(id));

    await h.run(resultMessage(id));

    expect(mllpFrames).toEqual([original]);
    expect(h.settled).toEqual([{ action: 'complete' }]);
    expect(h.steps).toEqual([{ id, status: 'delivered', detail: 'mllp' }]);
  });

  it('rebuilds the message when configured, or when the archive lacks it', async () => {
    const h = harness(destination('mllp', { message: 'rebuilt' }));

    await h.run(resultMessage());

    expect(mllpFrames).toHaveLength(1);
    expect(parse(mllpFrames[0] as string).controlId).toBe('CTL-7001');
  });

  it.each([
    ['AR', 'DELIVERY_REJECTED (ACK_AR) to mllp'],
    ['AE', 'DELIVERY_REJECTED (ACK_AE) to mllp'],
  ])('dead-letters an %s at once', async (code, description) => {
    ackCode = code;
    const h = harness(destination('mllp'));

    await h.run(resultMessage());

    expect(h.settled).toMatchObject([{ action: 'deadletter', description }]);
  });

  it('retries when the listener stays silent past the timeout', async () => {
    ackCode = 'silent';
    const h = harness(destination('mllp'));

    await h.run(resultMessage());

    expect(h.scheduled).toHaveLength(1);
    expect(h.logs.lines().find((l) => l.outcome === 'retry')).toMatchObject({ reason: 'TIMEOUT' });
  });
});
