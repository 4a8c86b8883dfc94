/**
 * @hl7gw/ingest: the HTTP front door. Handler factories and their answer types, for tests
 * and for hosts other than Azure Functions; `functions.ts` registers them.
 */
export { createDeps, REQUEST_BUS_RETRY, REQUEST_STORAGE_RETRY } from './deps.js';
export type { Deps, DepsOverrides, Logger } from './deps.js';
export { DEV_CLIENT_ID, INGEST_DEFAULTS, parseIngestSettings } from './settings.js';
export type { IngestSettings } from './settings.js';
export { readMessage, headerOf, requireRoutingFields } from './header.js';
export type { MessageHeader, ReadMessage } from './header.js';
export { CLAIMS_TABLE, MessageClaims, type Claim } from './claims.js';
export { enqueueMany, enqueueOne, ENQUEUE_FAILED_DETAIL, SEND_CHUNK_SIZE } from './enqueue.js';
export type { Enqueued, Submission } from './enqueue.js';
export { toGatewayError } from './http/errors.js';
export { HL7_MEDIA_TYPE } from './http/media.js';
export type { RequestHandler } from './http/edge.js';
export {
  createSubmitMessage,
  messageStatusUrl,
  type SubmitMessageAnswer,
} from './handlers/submit-message.js';
export {
  batchStatusUrl,
  createSubmitBatch,
  type AcceptedMember,
  type RejectedMember,
  type SubmitBatchAnswer,
} from './handlers/submit-batch.js';
export {
  createGetBatchStatus,
  createGetMessageStatus,
  type BatchMemberStatus,
  type BatchStatus,
} from './handlers/get-status.js';
export {
  createConvert,
  CONVERT_PROFILES,
  CONVERT_TARGETS,
  type ConvertAnswer,
} from './handlers/convert.js';
export { createHealthAlive, createHealthReady } from './handlers/health.js';
// The readiness types moved to platform; they stay exported here for existing importers.
export { READINESS_TIMEOUT_MS, type DependencyCheck, type Readiness } from '@hl7gw/platform';
