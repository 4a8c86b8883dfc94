/**
 * Delivery end to end: results submitted over HTTP reach a simulated EHR (FHIR), HIE (MLLP)
 * and notification service (signed webhook) through the processor's destination triggers,
 * on the local host with the broker and Azurite, and each outcome lands in the message's
 * status history. Transient failures are retried until delivered (once); refusals are
 * dead-lettered as `delivery` and parked by the deadletter app.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { call, eventually, getStatus, submit } from '../support/client.js';
import {
  accept,
  deliveredTo,
  resetSimulators,
  startWorld,
  statusWhere,
  type World,
} from '../support/delivery-world.js';
import { oru } from '../support/hl7.js';

let world: World;

beforeAll(async () => {
  world = await startWorld({ maxAttempts: 6, backoffMaxMs: 1_000, breakerCoolDownMs: 1_000 });
});

afterAll(async () => {
  await world?.stop();
});

beforeEach(() => resetSimulators(world));

const send = (controlId: string, abnormal = false) =>
  accept(world.gateway, oru({ controlId, abnormal }));

describe('delivery to the downstream systems', () => {
  it('delivers one result to the EHR, the HIE and the webhook, each recorded', async () => {
    const message = oru({ controlId: 'DLV-1', abnormal: true });
    const answer = await submit(world.gateway, message);
    const id = (answer.body as { id: string }).id;

    const record = await statusWhere(world.gateway, id, (r) => deliveredTo(r).length === 3);
    expect(deliveredTo(record)).toEqual(['ehr', 'hie', 'notify']);
    expect(record.status).toBe('delivered');

    const [transaction] = world.ehr.stored.filter((t) => t.idempotencyKey === id);
    expect(transaction?.bundle.type).toBe('transaction');
    expect(transaction?.bundle.entry.map((e) => e.resource.resourceType)).toContain('Observation');

    // The HIE gets the message as the lab sent it.
    const sent = world.hie.received.find((m) => m.controlId === 'DLV-1');
    expect(sent?.text.replace(/\r$/, '')).toBe(message.replace(/\r$/, ''));

    const [notification] = world.hook.accepted.filter((n) => n.idempotencyKey === id);
    expect(notification?.body).toMatchObject({ schemaVersion: 1, source: { controlId: 'DLV-1' } });
  });

  it('sends the webhook only what its filter selects', async () => {
    const id = await send('DLV-2', false);

    await statusWhere(world.gateway, id, (r) => deliveredTo(r).length === 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(deliveredTo(await getStatus(world.gateway, id))).toEqual(['ehr', 'hie']);
    expect(world.hook.accepted.some((n) => n.idempotencyKey === id)).toBe(false);
  });

  it('retries through an EHR outage and delivers once when it is back', async () => {
    world.ehr.behaviour.outage(2_500);
    const ids = await Promise.all(['DLV-3a', 'DLV-3b', 'DLV-3c'].map((c) => send(c)));

    for (const id of ids) {
      await statusWhere(world.gateway, id, (r) => deliveredTo(r).includes('ehr'), 30_000);
    }
    const counts = world.ehr.acceptedByKey();
    expect(ids.map((id) => counts.get(id))).toEqual([1, 1, 1]);
    expect(
      world.ehr.refused.filter((r) => ids.includes(r.idempotencyKey ?? '')).length,
    ).toBeGreaterThan(0);
  });

  it('dead-letters an HIE refusal (AR) as delivery, and the deadletter app parks it', async () => {
    world.hie.ackCode = 'AR';
    const id = await send('DLV-4');

    const record = await statusWhere(
      world.gateway,
      id,
      (r) =>
        deliveredTo(r).includes('ehr') &&
        r.history.some((s) => s.status === 'dead-lettered' && s.detail === 'DELIVERY_REJECTED:hie'),
    );
    expect(deliveredTo(record)).toEqual(['ehr']);

    const parked = await eventually('parked delivery dead letter', async () => {
      const list = await call(world.gateway, 'GET', '/v1/deadletters?category=delivery');
      const items = (list.body as { items?: { id: string }[] }).items ?? [];
      return items.find((item) => item.id.startsWith(id));
    });
    expect(parked.id).toBe(`${id}-hie`);
  });
});
