/**
 * Downstream systems misbehaving: the EHR down and back, the HIE refusing (AR) and the
 * result replayed once it is fixed, and a destination's circuit breaker opening and
 * closing. Same world as the seed scenarios (tests/support/delivery-world.ts).
 *
 * The EHR outage lasts `HL7GW_SCENARIO_OUTAGE_MS` (8 s by default, so that `npm test`
 * stays short; `HL7GW_SCENARIO_OUTAGE_MS=60000` runs the full minute).
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { call, drainResults, eventually, getStatus } from '../support/client.js';
import { oru } from '../support/hl7.js';
import {
  accept,
  ALL_RESULTS,
  deliveredTo,
  resetSimulators,
  startWorld,
  statusWhere,
  type World,
} from '../support/delivery-world.js';

const OUTAGE_MS = Number(process.env.HL7GW_SCENARIO_OUTAGE_MS ?? 8_000);
const COOL_DOWN_MS = 1_500;

let world: World;
beforeAll(async () => {
  world = await startWorld({
    breakerFailureThreshold: 3,
    breakerCoolDownMs: COOL_DOWN_MS,
    maxAttempts: 40,
    backoffMaxMs: 2_000,
  });
});
afterAll(() => world?.stop());
beforeEach(() => resetSimulators(world));

describe(`the EHR down for ${OUTAGE_MS / 1000} s and back`, () => {
  it(
    'delivers everything sent during the outage, each result once',
    async () => {
      world.ehr.behaviour.outage(OUTAGE_MS);
      const ids: string[] = [];
      for (let n = 0; n < 12; n++) {
        ids.push(await accept(world.gateway, oru({ controlId: `R-OUT-${n}` })));
        await sleep(Math.min(200, OUTAGE_MS / 24));
      }

      for (const id of ids) {
        await statusWhere(
          world.gateway,
          id,
          (r) => deliveredTo(r).includes('ehr'),
          OUTAGE_MS + 30_000,
        );
      }
      const counts = world.ehr.acceptedByKey();
      expect(ids.map((id) => counts.get(id))).toEqual(ids.map(() => 1));
      // It really was down for them: at least one attempt was refused.
      expect(world.ehr.refused.some((r) => ids.includes(r.idempotencyKey ?? ''))).toBe(true);
      // The other destinations were not held up: every HIE delivery happened once.
      const hie = world.hie.received.filter((m) => m.controlId.startsWith('R-OUT-'));
      expect(hie).toHaveLength(12);
    },
    OUTAGE_MS + 60_000,
  );
});

describe('the HIE answering AR', () => {
  it('dead-letters the result as delivery, and a replay after the fix delivers it', async () => {
    world.hie.ackCode = 'AR';
    const id = await accept(world.gateway, oru({ controlId: 'R-AR-1' }));
    await statusWhere(
      world.gateway,
      id,
      (r) =>
        deliveredTo(r).includes('ehr') &&
        r.history.some((s) => s.status === 'dead-lettered' && s.detail === 'DELIVERY_REJECTED:hie'),
    );
    const parked = await eventually('the parked delivery dead letter', async () => {
      const list = await call(world.gateway, 'GET', '/v1/deadletters?category=delivery');
      const items = (list.body as { items?: { id: string; reason?: string }[] }).items ?? [];
      return items.find((item) => item.id === `${id}-hie`);
    });
    expect(parked.reason).toBe('DELIVERY_REJECTED');
    await drainResults(world.gateway.bus, ALL_RESULTS, { count: 1, quietMs: 300 });

    // The HIE is fixed; the operator replays the dead letter.
    world.hie.ackCode = 'AA';
    const replay = await call(world.gateway, 'POST', `/v1/deadletters/${id}-hie/replay`);
    expect(replay.status).toBe(202);
    const replayId = (replay.body as { id: string }).id;
    expect(replayId).not.toBe(id);

    await statusWhere(world.gateway, replayId, (r) => deliveredTo(r).includes('hie'));
    const sent = world.hie.received.filter((m) => m.controlId === 'R-AR-1');
    expect(sent.map((m) => m.answer)).toEqual([{ ack: 'AR' }, { ack: 'AA' }]);
    // Addressed to the HIE's subscription only: the EHR and the plain subscription do not
    // get the result a second time.
    await sleep(1_000);
    expect(deliveredTo(await getStatus(world.gateway, replayId))).toEqual(['hie']);
    expect(world.ehr.stored.filter((t) => t.idempotencyKey === replayId)).toEqual([]);
    const again = await drainResults(world.gateway.bus, ALL_RESULTS, { count: 0, quietMs: 500 });
    expect(again.filter((r) => r.controlId === 'R-AR-1')).toEqual([]);
  });
});

describe('a destination’s circuit breaker', () => {
  it('opens while the EHR is down, sparing it calls, and closes when it is back', async () => {
    world.ehr.behaviour.outage();
    const refusedBefore = world.ehr.refused.length;
    const startedMs = Date.now();
    const ids: string[] = [];
    for (let n = 0; n < 10; n++) {
      ids.push(await accept(world.gateway, oru({ controlId: `R-CB-${n}` })));
    }
    // Ten results for 4 s of outage: without a breaker, each would be tried every 0.2-2 s,
    // some 50 calls. With it, the calls already under way when it trips (up to one per
    // result: the trigger handles 16 at once, so on a busy machine they all start together)
    // and then about one trial per cool-down.
    await sleep(4_000);
    const callsWhileOpen = world.ehr.refused.length - refusedBefore;
    // The window as it really lasted: on a busy machine the submits and the sleep run long.
    const windowMs = Date.now() - startedMs;
    expect(callsWhileOpen).toBeGreaterThanOrEqual(3);
    expect(callsWhileOpen).toBeLessThanOrEqual(ids.length + Math.ceil(windowMs / COOL_DOWN_MS) + 1);
    expect(world.ehr.stored.some((t) => ids.includes(t.idempotencyKey ?? ''))).toBe(false);

    // Back: the half-open trial succeeds, the circuit closes and everything goes through.
    world.ehr.behaviour.restore();
    for (const id of ids) {
      await statusWhere(world.gateway, id, (r) => deliveredTo(r).includes('ehr'), 30_000);
    }
    const counts = world.ehr.acceptedByKey();
    expect(ids.map((id) => counts.get(id))).toEqual(ids.map(() => 1));

    // Closed: a new result goes straight through, with no refused call.
    const refusedAfter = world.ehr.refused.length;
    const next = await accept(world.gateway, oru({ controlId: 'R-CB-next' }));
    await statusWhere(world.gateway, next, (r) => deliveredTo(r).includes('ehr'), 5_000);
    expect(world.ehr.refused.length).toBe(refusedAfter);
  }, 60_000);
});
