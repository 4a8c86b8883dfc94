/**
 * The shape every connector has: one attempt to hand one result to one destination, ending
 * in a `DeliveryOutcome`. Connectors never throw for what the destination or the network
 * did; the handler around them retries, reschedules or dead-letters.
 */
import type { ReceivedResult } from '@hl7gw/platform';

import type { AllowList } from './allow-list.js';
import type { Destination } from './destinations.js';
import type { DeliveryOutcome } from './outcome.js';

/** What a connector may use besides the result. */
export interface DeliveryContext {
  /** The destination. */
  destination: Destination;
  /** The SSRF guard every connection goes through. */
  allowList: AllowList;
  /** Epoch milliseconds now (signatures are timestamped). */
  nowMs(): number;
  /** The HL7 message as received, from the raw archive; undefined when it is not there. */
  loadRaw(): Promise<string | undefined>;
}

/** One delivery attempt. */
export type Connector = (
  result: ReceivedResult,
  context: DeliveryContext,
) => Promise<DeliveryOutcome>;
