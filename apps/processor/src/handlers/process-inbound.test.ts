import { createHost, type LocalHost } from '@hl7gw/local-host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDeps, type Deps } from '../deps.js';
import { adtA01, oruR01 } from '../test-support/messages.js';
import { startTestPlatform, submit, type TestPlatform } from '../test-support/platform.js';

// The real registrations (functions.ts) on the local host, against the real broker with the
// gateway's entities and a real Azurite.
let platform: TestPlatform;
let host: LocalHost;
let deps: Deps;

beforeAll(async () => {
  platform = await startTestPlatform();
  Object.assign(process.env, platform.env, {
    HL7GW_STRICT_SENDERS: 'STRICTLAB',
    HL7GW_MAX_FIELD_LENGTH: '200',
    HL7GW_MAX_SEGMENTS: '40',
  });
  deps = createDeps(process.env);

  host = createHost({
    port: 0,
    maxConcurrentSessions: 4,
    sessionIdleTimeoutMs: 300,
    sessionAcceptWaitMs: 1_000,
    log: (e) => {
      if (process.env.DBG) console.log(e);
    },
  });
  await host.load(async () => {
    await import('../functions.js');
  });
  await host.start();
}, 30_000);

afterAll(async () => {
  await host?.stop();
  await deps?.close();
  await platform?.stop();
}, 30_000);

async function resultFor(id: string) {
  await expect
    .poll(() => platform.results.integrators.some((r) => r.gatewayId === id), { timeout: 10_000 })
    .toBe(true);
  return platform.results.integrators.find((r) => r.gatewayId === id);
}

async function deadLetterFor(id: string) {
  await expect
    .poll(async () => (await platform.deadLetters()).some((m) => m.correlationId === id), {
      timeout: 10_000,
    })
    .toBe(true);
  return (await platform.deadLetters()).find((m) => m.correlationId === id);
}

describe('processInbound on the local host', { timeout: 30_000 }, () => {
  it('publishes a valid ORU^R01 with its filter properties and marks it processed', async () => {
    const id = await submit(deps, { raw: oruR01({ controlId: 'CTL-1001', priority: 'S' }) });

    const result = await resultFor(id);
    expect(result?.messageId).toBe(id);
    expect(result?.properties).toEqual({
      messageType: 'ORU^R01',
      sendingFacility: 'CITYLAB',
      receivingFacility: 'GENERAL HOSP',
      resultStatus: 'F',
      abnormal: false,
      priority: 'S',
    });
    expect(result?.document.source.gatewayMessageId).toBe(id);
    expect(result?.document.source.controlId).toBe('CTL-1001');
    expect(result?.document.orders[0]?.observations).toHaveLength(2);

    await expect.poll(async () => (await deps.statuses.get(id))?.status).toBe('processed');
  });

  it('sends an abnormal result to the abnormal subscription and a normal one not', async () => {
    const normal = await submit(deps, {
      raw: oruR01({ controlId: 'CTL-2001', patientId: 'PT-2001', resultStatus: 'P' }),
    });
    const abnormal = await submit(deps, {
      raw: oruR01({ controlId: 'CTL-2002', patientId: 'PT-2002', abnormalFlag: 'H' }),
    });

    expect((await resultFor(abnormal))?.properties.abnormal).toBe(true);
    expect((await resultFor(normal))?.properties).toMatchObject({
      abnormal: false,
      resultStatus: 'P',
    });
    await expect
      .poll(() => platform.results.abnormal.map((r) => r.gatewayId), { timeout: 5_000 })
      .toContain(abnormal);
    expect(platform.results.abnormal.map((r) => r.gatewayId)).not.toContain(normal);
  });

  it.each([
    {
      name: 'unparseable text',
      raw: 'this is not an HL7 message',
      code: 'PARSE_ERROR',
      description: 'PARSE_ERROR (NOT_HL7) at line 1',
    },
    {
      name: 'an ORU^R01 without PID-3',
      raw: oruR01({ controlId: 'CTL-3001', patientId: '' }),
      code: 'VALIDATION_FAILED',
      description: 'VALIDATION_FAILED (REQUIRED_FIELD_MISSING) at PID-3',
    },
    {
      name: 'an ADT^A01',
      raw: adtA01('CTL-3002'),
      code: 'UNSUPPORTED_MESSAGE_TYPE',
      description: 'UNSUPPORTED_MESSAGE_TYPE at MSH-9',
    },
    {
      name: 'a strict sender leaving out OBX-11',
      raw: oruR01({ controlId: 'CTL-3003', facility: 'STRICTLAB', observationStatus: '' }),
      code: 'VALIDATION_FAILED',
      description: 'VALIDATION_FAILED (REQUIRED_FIELD_MISSING) at OBX-11',
    },
    {
      name: 'a field longer than HL7GW_MAX_FIELD_LENGTH',
      raw: oruR01({ controlId: 'CTL-3104' }).replace('||140|', `||${'1'.repeat(201)}|`),
      code: 'VALIDATION_FAILED',
      description: 'VALIDATION_FAILED (TOO_LARGE) at OBX[2]-5',
    },
    {
      name: 'more segments than HL7GW_MAX_SEGMENTS',
      raw: [
        oruR01({ controlId: 'CTL-3105' }),
        ...Array.from({ length: 40 }, (_, i) => `NTE|${i + 1}`),
      ].join('\r'),
      code: 'VALIDATION_FAILED',
      description: 'VALIDATION_FAILED (TOO_LARGE)',
    },
  ])('dead-letters $name at once as $code', async ({ raw, code, description }) => {
    const id = await submit(deps, { raw });

    const deadLetter = await deadLetterFor(id);
    expect(deadLetter?.deadLetterReason).toBe(code);
    expect(deadLetter?.deadLetterErrorDescription).toBe(description);
    // Dead-lettered on the first delivery, not after retries.
    expect(deadLetter?.deliveryCount).toBe(0);

    const record = await deps.statuses.get(id);
    expect(record?.status).toBe('dead-lettered');
    expect(record?.history.at(-1)).toMatchObject({ status: 'dead-lettered', detail: code });
    expect(platform.results.integrators.map((r) => r.gatewayId)).not.toContain(id);
  });

  it('lets a lenient sender through without OBX-11', async () => {
    const id = await submit(deps, {
      raw: oruR01({ controlId: 'CTL-3004', observationStatus: '' }),
    });

    expect((await resultFor(id))?.gatewayId).toBe(id);
  });

  it('publishes one patient’s messages in the order they were sent', async () => {
    const ids: string[] = [];
    for (let seq = 1; seq <= 6; seq++) {
      const status = seq === 6 ? 'C' : 'F';
      const raw = oruR01({ controlId: `CTL-40${seq}`, patientId: 'PT-4000', resultStatus: status });
      ids.push(await submit(deps, { raw }));
    }

    await expect
      .poll(() => platform.results.integrators.filter((r) => ids.includes(r.gatewayId)).length, {
        timeout: 15_000,
      })
      .toBe(ids.length);
    const order = platform.results.integrators
      .filter((r) => ids.includes(r.gatewayId))
      .map((r) => r.gatewayId);
    expect(order).toEqual(ids);
    expect(platform.results.integrators.at(-1)?.properties.resultStatus).toBe('C');
  });

  it('reads a raw message that travelled by claim check', async () => {
    const claimDeps = createDeps({ ...process.env, HL7GW_CLAIM_CHECK_THRESHOLD_BYTES: '64' });
    try {
      const id = await submit(claimDeps, { raw: oruR01({ controlId: 'CTL-5001' }) });

      expect((await resultFor(id))?.document.source.controlId).toBe('CTL-5001');
    } finally {
      await claimDeps.close();
    }
  });
});
