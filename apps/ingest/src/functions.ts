/**
 * The ingest Function App's registrations, and nothing else: what Azure Functions runs
 * and what the local host loads. Every route is `anonymous` to the Functions host; the
 * handlers check the API key themselves (health probes need none).
 */
import { app } from '@azure/functions';

import { createConvert } from './handlers/convert.js';
import { createGetBatchStatus, createGetMessageStatus } from './handlers/get-status.js';
import { createHealthAlive, createHealthReady } from './handlers/health.js';
import { createSubmitBatch } from './handlers/submit-batch.js';
import { createSubmitMessage } from './handlers/submit-message.js';
import { closeShared, lazily } from './lazy.js';

app.http('ingestSubmitMessage', {
  route: 'v1/messages',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: lazily(createSubmitMessage),
});

app.http('ingestGetMessageStatus', {
  route: 'v1/messages/{id}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazily(createGetMessageStatus),
});

app.http('ingestSubmitBatch', {
  route: 'v1/batches',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: lazily(createSubmitBatch),
});

app.http('ingestGetBatchStatus', {
  route: 'v1/batches/{id}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazily(createGetBatchStatus),
});

app.http('ingestConvert', {
  route: 'v1/convert',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: lazily(createConvert),
});

app.http('ingestHealth', {
  route: 'health',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: createHealthAlive(),
});

app.http('ingestHealthReady', {
  route: 'health/ready',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazily(createHealthReady),
});

// Closing the bus connection lets a host stop without waiting on an open socket.
app.hook.appTerminate(() => closeShared());
