/**
 * The processor's Azure Functions registrations: what Azure runs and what the local host
 * loads. Registrations only; the handlers live in `handlers/`, and their dependencies are
 * built on the first invocation, so loading this module connects to nothing.
 */
import { app, type InvocationContext } from '@azure/functions';
import { CONFIG_DEFAULTS, SERVICE_BUS_SETTING } from '@hl7gw/platform';

import { createDeps } from './deps.js';
import { createProcessInbound, type ProcessInbound } from './handlers/process-inbound.js';
import type { ServiceBusMessageContext } from './settlement.js';

let processInbound: ProcessInbound | undefined;

// The same setting `parseConfig` reads, so the trigger and the bus agree on the queue.
const inboundQueue = process.env.HL7GW_INBOUND_QUEUE?.trim() || CONFIG_DEFAULTS.inboundQueue;

app.serviceBusQueue('processInbound', {
  connection: SERVICE_BUS_SETTING,
  queueName: inboundQueue,
  // One patient's messages in order (the session id is the patient hash).
  isSessionsEnabled: true,
  // The handler settles each message itself, to dead-letter permanent failures at once.
  sdkBinding: true,
  autoCompleteMessages: false,
  handler: (input: ServiceBusMessageContext, context: InvocationContext) => {
    processInbound ??= createProcessInbound(createDeps());
    return processInbound(input, context);
  },
});
