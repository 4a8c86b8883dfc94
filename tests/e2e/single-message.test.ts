import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RESULTS_SUBSCRIPTION } from '../support/broker-config.js';
import { drainResults, submit, waitForStatus } from '../support/client.js';
import { startGateway, type Gateway } from '../support/gateway.js';
import { oru } from '../support/hl7.js';

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(() => gateway?.stop());

describe('one ORU^R01 through ingest and processor', () => {
  it('is accepted, reaches processed, and its result document is published once', async () => {
    const answer = await submit(gateway, oru({ controlId: 'SINGLE-0001', abnormal: true }));
    expect(answer.status).toBe(202);
    const accepted = answer.body as { id: string; status: string; controlId: string };
    expect(accepted).toMatchObject({ status: 'queued', controlId: 'SINGLE-0001' });

    const record = await waitForStatus(gateway, accepted.id, 'processed');
    expect(record.history.map((step) => step.status)).toEqual(['received', 'queued', 'processed']);

    const results = await drainResults(gateway.bus, RESULTS_SUBSCRIPTION.name, {
      count: 1,
      quietMs: 500,
    });
    expect(results).toHaveLength(1);
    const [result] = results;
    expect(result?.messageId).toBe(accepted.id);
    expect(result?.controlId).toBe('SINGLE-0001');
    expect(result?.properties).toMatchObject({
      messageType: 'ORU^R01',
      sendingFacility: 'NORTHLAB',
      resultStatus: 'F',
      abnormal: true,
    });
    expect(result?.document).toMatchObject({
      schemaVersion: 1,
      patient: { identifiers: [expect.objectContaining({ value: 'TST0000001' })] },
    });
  });
});
