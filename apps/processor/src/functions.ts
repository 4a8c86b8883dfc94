/**
 * The processor's Azure Functions registrations: what Azure runs and what the local host
 * loads. Registrations only; the handlers live in `handlers/`, and their dependencies are
 * built on the first invocation, so loading this module connects to nothing.
 */
import { app, type InvocationContext } from '@azure/functions';
import {
  CONFIG_DEFAULTS,
  healthAliveHandler,
  healthRoutes,
  readinessHandler,
  SERVICE_BUS_SETTING,
  tracedInvocations,
} from '@hl7gw/platform';

import { createDeps, type Deps } from './deps.js';
import { createProcessInbound, type ProcessInbound } from './handlers/process-inbound.js';
import { processorApi } from './api.js';
import type { ServiceBusMessageContext } from './settlement.js';
import { createDeliveryRuntime, type DeliveryRuntime } from './delivery/delivery-runtime.js';
import { parseDestinations } from './delivery/destinations.js';

let processInbound: ProcessInbound | undefined;
// The inbound trigger and the readiness probe share one set of adapters (one bus connection).
let inboundDeps: Deps | undefined;
const sharedDeps = (): Deps => (inboundDeps ??= createDeps());

// Every invocation runs in a consumer span continuing the message's trace.
app.hook.preInvocation(tracedInvocations('processor'));

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
    processInbound ??= createProcessInbound(sharedDeps());
    return processInbound(input, context);
  },
});

// One topic trigger per delivery destination (`HL7GW_DESTINATIONS`), each on its own
// `hl7-results` subscription. A bad destination setting fails here, at load, naming it.
let delivery: DeliveryRuntime | undefined;
const resultsTopic = process.env.HL7GW_RESULTS_TOPIC?.trim() || CONFIG_DEFAULTS.resultsTopic;

for (const destination of parseDestinations(process.env)) {
  app.serviceBusTopic(`deliverResult-${destination.name}`, {
    connection: SERVICE_BUS_SETTING,
    topicName: resultsTopic,
    subscriptionName: destination.subscription,
    // The handler settles: it completes, reschedules or dead-letters each result itself.
    sdkBinding: true,
    // The topic options' type lacks this binding setting, which the extension reads the same
    // way for topics as for queues; spread so the type check lets it through.
    ...{ autoCompleteMessages: false },
    handler: (input: ServiceBusMessageContext, context: InvocationContext) => {
      delivery ??= createDeliveryRuntime(createDeps());
      return delivery.handler(destination.name)(input, context);
    },
  });
}

// Health, the document and the docs page every app serves; the processor has no other route.
const health = healthRoutes('processor');
processorApi.route(health.alive, healthAliveHandler());
processorApi.route(
  health.ready,
  readinessHandler(() => sharedDeps().readiness),
);
processorApi.publish();
