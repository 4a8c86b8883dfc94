/**
 * The ingest Function App's registrations, and nothing else: what Azure Functions runs
 * and what the local host loads. Every route is declared in `routes.ts` and registered
 * `anonymous` to the Functions host behind the route pipeline, which authenticates,
 * checks roles and rate limits itself (health and documentation need no credentials).
 */
import { app } from '@azure/functions';
import { ApiSurface, tracedInvocations } from '@hl7gw/platform';

import { createConvert } from './handlers/convert.js';
import { createGetBatchStatus, createGetMessageStatus } from './handlers/get-status.js';
import { createHealthAlive, createHealthReady } from './handlers/health.js';
import { createSubmitBatch } from './handlers/submit-batch.js';
import { createSubmitMessage } from './handlers/submit-message.js';
import { closeShared, lazily, sharedSecurity } from './lazy.js';
import {
  CONVERT,
  GET_BATCH_STATUS,
  GET_MESSAGE_STATUS,
  HEALTH,
  HEALTH_READY,
  INGEST_API,
  SUBMIT_BATCH,
  SUBMIT_MESSAGE,
} from './routes.js';

const api = new ApiSurface({ app: 'ingest', info: INGEST_API, security: sharedSecurity });

api.route(SUBMIT_MESSAGE, lazily(createSubmitMessage));
api.route(GET_MESSAGE_STATUS, lazily(createGetMessageStatus));
api.route(SUBMIT_BATCH, lazily(createSubmitBatch));
api.route(GET_BATCH_STATUS, lazily(createGetBatchStatus));
api.route(CONVERT, lazily(createConvert));
api.route(HEALTH, createHealthAlive());
api.route(HEALTH_READY, lazily(createHealthReady));
api.publish();

// Every invocation runs in a span of this app's telemetry (server span per request).
app.hook.preInvocation(tracedInvocations('ingest'));

// Closing the bus connection lets a host stop without waiting on an open socket.
app.hook.appTerminate(() => closeShared());
