/**
 * Delivery end to end: results submitted over HTTP reach a simulated EHR (FHIR), HIE (MLLP)
 * and notification service (signed webhook) through the processor's destination triggers,
 * on the local host with the broker and Azurite, and each outcome lands in the message's
 * status history. Transient failures are retried until delivered (once); refusals are
 * dead-lettered as `delivery` and parked by the deadletter app.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { call, eventually, getStatus, submit, type StatusView } from '../support/client.js';
import { startGateway, type Gateway } from '../support/gateway.js';
import { oru } from '../support/hl7.js';
import { startEhrSimulator, type EhrSimulator } from '../simulators/ehr-fhir.js';
import { startHieSimulator, type HieSimulator } from '../simulators/hie-mllp.js';
import { startWebhookReceiver, type WebhookReceiver } from '../simulators/webhook-receiver.js';

const SECRET = 'delivery-test-signing-secret-0123456789';

let gateway: Gateway;
let ehr: EhrSimulator;
let hie: HieSimulator;
let hook: WebhookReceiver;

/** The rule a destination's subscription is created with (docs/delivery.md). */
const rule = (name: string, filter?: string) =>
  `(deliveryRetryFor IS NULL${filter ? ` AND (${filter})` : ''}) OR deliveryRetryFor = '${name}'`;

beforeAll(async () => {
  [ehr, hie, hook] = await Promise.all([
    startEhrSimulator(),
    startHieSimulator(),
    startWebhookReceiver({ secret: SECRET }),
  ]);
  const common = {
    insecure: true,
    timeoutMs: 1_000,
    maxAttempts: 6,
    backoffBaseMs: 200,
    backoffMaxMs: 1_000,
    breakerFailureThreshold: 3,
    breakerCoolDownMs: 1_000,
  };
  gateway = await startGateway({
    subscriptions: [
      { name: 'ehr', sql: rule('ehr') },
      { name: 'hie', sql: rule('hie') },
      { name: 'notify', sql: rule('notify', 'abnormal = true') },
    ],
    env: {
      HL7GW_DESTINATIONS: JSON.stringify([
        { name: 'ehr', kind: 'fhir', url: ehr.url, ...common },
        { name: 'hie', kind: 'mllp', url: hie.url, ...common },
        {
          name: 'notify',
          kind: 'webhook',
          url: hook.url,
          secretSetting: 'NOTIFY_SECRET',
          filter: 'abnormal = true',
          ...common,
        },
      ]),
      HL7GW_DELIVERY_ALLOWLIST: '127.0.0.1',
      NOTIFY_SECRET: SECRET,
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([ehr?.stop(), hie?.stop(), hook?.stop()]);
});

beforeEach(() => {
  for (const sim of [ehr.behaviour, hie.behaviour, hook.behaviour]) sim.reset();
  hie.ackCode = 'AA';
});

async function send(controlId: string, abnormal = false): Promise<string> {
  const answer = await submit(gateway, oru({ controlId, abnormal }));
  expect(answer.status).toBe(202);
  return (answer.body as { id: string }).id;
}

function deliveredTo(record: StatusView): string[] {
  return record.history
    .filter((step) => step.status === 'delivered')
    .map((step) => step.detail ?? '')
    .sort();
}

async function waitForSteps(
  id: string,
  check: (record: StatusView) => boolean,
  timeoutMs = 20_000,
) {
  return eventually(
    `status steps of ${id}`,
    async () => {
      const record = await getStatus(gateway, id);
      return check(record) ? record : undefined;
    },
    timeoutMs,
  );
}

describe('delivery to the downstream systems', () => {
  it('delivers one result to the EHR, the HIE and the webhook, each recorded', async () => {
    const message = oru({ controlId: 'DLV-1', abnormal: true });
    const answer = await submit(gateway, message);
    const id = (answer.body as { id: string }).id;

    const record = await waitForSteps(id, (r) => deliveredTo(r).length === 3);
    expect(deliveredTo(record)).toEqual(['ehr', 'hie', 'notify']);
    expect(record.status).toBe('delivered');

    const [transaction] = ehr.stored.filter((t) => t.idempotencyKey === id);
    expect(transaction?.bundle.type).toBe('transaction');
    expect(transaction?.bundle.entry.map((e) => e.resource.resourceType)).toContain('Observation');

    // The HIE gets the message as the lab sent it.
    const sent = hie.received.find((m) => m.controlId === 'DLV-1');
    expect(sent?.text.replace(/\r$/, '')).toBe(message.replace(/\r$/, ''));

    const [notification] = hook.accepted.filter((n) => n.idempotencyKey === id);
    expect(notification?.body).toMatchObject({ schemaVersion: 1, source: { controlId: 'DLV-1' } });
  });

  it('sends the webhook only what its filter selects', async () => {
    const id = await send('DLV-2', false);

    await waitForSteps(id, (r) => deliveredTo(r).length === 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(deliveredTo(await getStatus(gateway, id))).toEqual(['ehr', 'hie']);
    expect(hook.accepted.some((n) => n.idempotencyKey === id)).toBe(false);
  });

  it('retries through an EHR outage and delivers once when it is back', async () => {
    ehr.behaviour.outage(2_500);
    const ids = await Promise.all(['DLV-3a', 'DLV-3b', 'DLV-3c'].map((c) => send(c)));

    for (const id of ids) {
      await waitForSteps(id, (r) => deliveredTo(r).includes('ehr'), 30_000);
    }
    const counts = ehr.acceptedByKey();
    expect(ids.map((id) => counts.get(id))).toEqual([1, 1, 1]);
    expect(ehr.refused.filter((r) => ids.includes(r.idempotencyKey ?? '')).length).toBeGreaterThan(
      0,
    );
  });

  it('dead-letters an HIE refusal (AR) as delivery, and the deadletter app parks it', async () => {
    hie.ackCode = 'AR';
    const id = await send('DLV-4');

    const record = await waitForSteps(
      id,
      (r) =>
        deliveredTo(r).includes('ehr') &&
        r.history.some((s) => s.status === 'dead-lettered' && s.detail === 'DELIVERY_REJECTED:hie'),
    );
    expect(deliveredTo(record)).toEqual(['ehr']);

    const parked = await eventually('parked delivery dead letter', async () => {
      const list = await call(gateway, 'GET', '/v1/deadletters?category=delivery');
      const items = (list.body as { items?: { id: string }[] }).items ?? [];
      return items.find((item) => item.id.startsWith(id));
    });
    expect(parked.id).toBe(`${id}-hie`);
  });
});
