/**
 * The delivery world shared by tests/delivery and tests/scenarios: the whole gateway on the local host (Azurite, broker, three apps)
 * with the simulated EHR (FHIR), HIE (MLLP) and notification service (signed webhook) as
 * its delivery destinations, plus a plain test subscription that sees every first
 * publication of a result.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { auditBlobService } from '@hl7gw/platform';

import { eventually, getStatus, submit, type StatusView } from './client.js';
import { startGateway, type Gateway } from './gateway.js';
import { startEhrSimulator, type EhrSimulator } from '../simulators/ehr-fhir.js';
import { startHieSimulator, type HieSimulator } from '../simulators/hie-mllp.js';
import { startWebhookReceiver, type WebhookReceiver } from '../simulators/webhook-receiver.js';

/** The signing secret the webhook destination and the receiver share. */
export const WEBHOOK_SECRET = 'scenario-webhook-signing-secret-0123456789';

/** The subscription the scenarios read first publications from. */
export const ALL_RESULTS = 'scenario-all';

/**
 * The rule a destination's subscription is created with, as `subscriptionRule()` of the
 * processor builds it (docs/delivery.md): first publications through the filter, and the
 * copies addressed to this subscription (retries, replays).
 */
export const destinationRule = (name: string, filter?: string) =>
  `(deliveryRetryFor IS NULL${filter ? ` AND (${filter})` : ''}) OR deliveryRetryFor = '${name}'`;

/** A running world. */
export interface World {
  gateway: Gateway;
  ehr: EhrSimulator;
  hie: HieSimulator;
  hook: WebhookReceiver;
  stop(): Promise<void>;
}

/** Delivery tuning for the scenarios: short timeouts and backoffs, so outages heal in seconds. */
export interface WorldOptions {
  /** Attempts before a transient failure is dead-lettered. */
  maxAttempts?: number;
  breakerFailureThreshold?: number;
  breakerCoolDownMs?: number;
  backoffMaxMs?: number;
}

/** Starts the simulators and a gateway delivering to them. */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const [ehr, hie, hook] = await Promise.all([
    startEhrSimulator(),
    startHieSimulator(),
    startWebhookReceiver({ secret: WEBHOOK_SECRET }),
  ]);
  const common = {
    insecure: true,
    timeoutMs: 1_000,
    maxAttempts: options.maxAttempts ?? 30,
    backoffBaseMs: 200,
    backoffMaxMs: options.backoffMaxMs ?? 2_000,
    breakerFailureThreshold: options.breakerFailureThreshold ?? 3,
    breakerCoolDownMs: options.breakerCoolDownMs ?? 1_500,
  };
  let gateway: Gateway;
  try {
    gateway = await startGateway({
      subscriptions: [
        { name: ALL_RESULTS, sql: 'deliveryRetryFor IS NULL' },
        { name: 'ehr', sql: destinationRule('ehr') },
        { name: 'hie', sql: destinationRule('hie') },
        { name: 'notify', sql: destinationRule('notify', 'abnormal = true') },
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
        NOTIFY_SECRET: WEBHOOK_SECRET,
      },
    });
  } catch (error) {
    await Promise.all([ehr.stop(), hie.stop(), hook.stop()]);
    throw error;
  }
  return {
    gateway,
    ehr,
    hie,
    hook,
    stop: async () => {
      await gateway.stop();
      await Promise.all([ehr.stop(), hie.stop(), hook.stop()]);
    },
  };
}

/** Back to well-behaved simulators between scenarios. */
export function resetSimulators(world: World): void {
  for (const sim of [world.ehr.behaviour, world.hie.behaviour, world.hook.behaviour]) sim.reset();
  world.hie.ackCode = 'AA';
}

/** Submits one message and returns its gateway id; throws unless it was accepted (202). */
export async function accept(gateway: Gateway, message: string): Promise<string> {
  const answer = await submit(gateway, message);
  if (answer.status !== 202) {
    throw new Error(`expected 202, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return (answer.body as { id: string }).id;
}

/** The destinations a status record says the result was delivered to, sorted. */
export function deliveredTo(record: StatusView): string[] {
  return record.history
    .filter((step) => step.status === 'delivered')
    .map((step) => step.detail ?? '')
    .sort();
}

/** Polls a status record until `check` holds, and returns it. */
export function statusWhere(
  gateway: Gateway,
  id: string,
  check: (record: StatusView) => boolean,
  timeoutMs = 20_000,
): Promise<StatusView> {
  return eventually(
    `status of ${id}`,
    async () => {
      const record = await getStatus(gateway, id);
      return check(record) ? record : undefined;
    },
    timeoutMs,
  );
}

/** A blob service client on the gateway's storage (Azurite), for what tests inspect there. */
export function storageOf(gateway: Gateway) {
  const connectionString = gateway.env.AzureWebJobsStorage;
  if (connectionString === undefined) throw new Error('the gateway has no storage setting');
  return auditBlobService({ kind: 'connection-string', connectionString });
}

/**
 * Polls the status records of `ids` until `check` holds for each, with one deadline for
 * all; throws saying how many are still waiting and where the first of them is.
 */
export async function statusesWhere(
  gateway: Gateway,
  ids: readonly string[],
  check: (record: StatusView) => boolean,
  timeoutMs: number,
): Promise<Map<string, StatusView>> {
  const deadline = Date.now() + timeoutMs;
  const found = new Map<string, StatusView>();
  let waiting = [...ids];
  for (;;) {
    const still: string[] = [];
    let firstWaiting: StatusView | undefined;
    for (const id of waiting) {
      const record = await getStatus(gateway, id);
      if (check(record)) {
        found.set(id, record);
      } else {
        still.push(id);
        firstWaiting ??= record;
      }
    }
    waiting = still;
    if (waiting.length === 0) return found;
    if (Date.now() > deadline) {
      const steps = firstWaiting?.history.map((s) => `${s.status}(${s.detail ?? ''})`).join(' > ');
      throw new Error(
        `${waiting.length} of ${ids.length} messages not there after ${timeoutMs} ms; ` +
          `${waiting[0]} is at ${steps}`,
      );
    }
    await sleep(100);
  }
}
