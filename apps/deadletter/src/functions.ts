/**
 * The deadletter Function App's registrations, and nothing else: what Azure Functions
 * runs and what the local host loads. Handlers get their `Deps` on first invocation, so
 * importing this module makes no connection.
 *
 * Entity names are fixed at registration, as Azure reads them from the function metadata:
 * the inbound queue and results topic from `HL7GW_INBOUND_QUEUE` / `HL7GW_RESULTS_TOPIC`,
 * the subscriptions from `HL7GW_RESULT_SUBSCRIPTIONS`. Dead-letter queues have no
 * sessions, so no trigger here is session-enabled, though the inbound queue is.
 *
 * The operator API is declared in `routes.ts` and registered behind the route pipeline
 * (authentication, roles, rate limits), `anonymous` to the Functions host.
 */
import { app } from '@azure/functions';
import {
  ApiSurface,
  CONFIG_DEFAULTS,
  healthAliveHandler,
  parseTelemetrySettings,
  readinessHandler,
  SERVICE_BUS_SETTING,
  tracedInvocations,
} from '@hl7gw/platform';

import { createDeps, type Deps } from './deps.js';
import { createBulkReplay } from './handlers/bulk-replay.js';
import { createGetDeadLetter } from './handlers/get-dead-letter.js';
import { createListDeadLetters } from './handlers/list-dead-letters.js';
import { createMetrics } from './handlers/metrics.js';
import { createParkInboundDeadLetter } from './handlers/park-inbound-dead-letter.js';
import { createParkResultDeadLetter } from './handlers/park-result-dead-letter.js';
import { createPurgeDeadLetter } from './handlers/purge-dead-letter.js';
import { createReplayDeadLetter } from './handlers/replay-dead-letter.js';
import { createSummaryReport } from './handlers/summary-report.js';
import {
  BULK_REPLAY,
  DEADLETTER_API,
  GET_DEAD_LETTER,
  HEALTH,
  HEALTH_READY,
  LIST_DEAD_LETTERS,
  METRICS,
  PURGE_DEAD_LETTER,
  REPLAY_DEAD_LETTER,
  SUMMARY_REPORT,
} from './routes.js';
import { parseDeadletterSettings } from './settings.js';

let deps: Deps | undefined;

// Every invocation runs in a span of this app's telemetry: a park continues the message's trace.
app.hook.preInvocation(tracedInvocations('deadletter'));

/** A handler built from the process's `Deps` on its first call. */
function lazy<A extends unknown[], R>(build: (deps: Deps) => (...args: A) => R) {
  let handler: ((...args: A) => R) | undefined;
  return (...args: A): R => {
    handler ??= build((deps ??= createDeps()));
    return handler(...args);
  };
}

const inboundQueue = process.env.HL7GW_INBOUND_QUEUE?.trim() || CONFIG_DEFAULTS.inboundQueue;
const resultsTopic = process.env.HL7GW_RESULTS_TOPIC?.trim() || CONFIG_DEFAULTS.resultsTopic;
const { resultSubscriptions } = parseDeadletterSettings(process.env);

app.serviceBusQueue('inboundDeadLetters', {
  connection: SERVICE_BUS_SETTING,
  queueName: `${inboundQueue}/$deadletterqueue`,
  handler: lazy(createParkInboundDeadLetter),
});

for (const subscription of resultSubscriptions) {
  app.serviceBusTopic(`resultDeadLetters-${subscription.replace(/[^A-Za-z0-9_-]/g, '_')}`, {
    connection: SERVICE_BUS_SETTING,
    topicName: resultsTopic,
    subscriptionName: `${subscription}/$deadletterqueue`,
    handler: lazy((d) => createParkResultDeadLetter(d, subscription)),
  });
}

const api = new ApiSurface({
  app: 'deadletter',
  info: DEADLETTER_API,
  security: () => (deps ??= createDeps()).security,
});

api.route(LIST_DEAD_LETTERS, lazy(createListDeadLetters));
api.route(BULK_REPLAY, lazy(createBulkReplay));
api.route(GET_DEAD_LETTER, lazy(createGetDeadLetter));
api.route(PURGE_DEAD_LETTER, lazy(createPurgeDeadLetter));
api.route(REPLAY_DEAD_LETTER, lazy(createReplayDeadLetter));
api.route(SUMMARY_REPORT, lazy(createSummaryReport));
// The one app serving every app's metrics: on one machine all three share the process.
if (parseTelemetrySettings(process.env).prometheus) api.route(METRICS, createMetrics());
api.route(HEALTH, healthAliveHandler());
api.route(
  HEALTH_READY,
  readinessHandler(() => (deps ??= createDeps()).readiness),
);
api.publish();
