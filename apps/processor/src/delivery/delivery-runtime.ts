/**
 * The delivery side of the processor, built once per process: the destinations, the
 * allow-list, one circuit breaker per destination, a sender on the results topic for retry
 * copies, and one trigger handler per destination.
 */
import type { Environment } from '@hl7gw/platform';

import type { Deps } from '../deps.js';
import { AllowList } from './allow-list.js';
import { CircuitBreaker } from './breaker.js';
import type { Connector } from './connector.js';
import { createDeliverResult, type DeliverResult } from './deliver-result.js';
import { parseDestinations, type Destination, type DestinationKind } from './destinations.js';
import { deliverFhir } from './fhir.js';
import { deliverMllp } from './mllp.js';
import { deliverWebhook } from './webhook.js';

/** The connector of each destination kind. */
export const CONNECTORS: Record<DestinationKind, Connector> = {
  webhook: deliverWebhook,
  fhir: deliverFhir,
  mllp: deliverMllp,
};

/** The delivery handlers of a process, by destination name. */
export interface DeliveryRuntime {
  /** The destinations configured. */
  destinations: Destination[];
  /** Each destination's breaker, for tests and health reporting. */
  breakers: Map<string, CircuitBreaker>;
  /** The handler of the named destination. */
  handler(name: string): DeliverResult;
}

/**
 * Builds the delivery runtime from `deps` and `env` (`HL7GW_DESTINATIONS`,
 * `HL7GW_DELIVERY_ALLOWLIST`, the secret settings). Throws `ConfigError` naming a bad setting.
 */
export function createDeliveryRuntime(deps: Deps, env: Environment = process.env): DeliveryRuntime {
  const destinations = parseDestinations(env);
  const allowList = AllowList.fromEnv(env);
  const scheduler = deps.bus.client.createSender(deps.config.entities.resultsTopic);
  const breakers = new Map<string, CircuitBreaker>();
  const handlers = new Map<string, DeliverResult>();

  for (const destination of destinations) {
    const breaker = new CircuitBreaker(destination);
    breakers.set(destination.name, breaker);
    handlers.set(
      destination.name,
      createDeliverResult({
        destination,
        connector: CONNECTORS[destination.kind],
        breaker,
        allowList,
        statuses: deps.statuses,
        blobs: deps.blobs,
        scheduler,
        clock: deps.clock,
        logger: deps.logger,
        statusWaitMs: deps.settings.statusWaitMs,
      }),
    );
  }

  return {
    destinations,
    breakers,
    handler(name) {
      const handler = handlers.get(name);
      if (handler === undefined) throw new RangeError(`no destination named ${name}`);
      return handler;
    },
  };
}
