/**
 * @hl7gw/deadletter: the Function App that parks dead letters and serves the operator
 * API. The registrations are in `functions.ts`; this entry exports the handler factories
 * and types for tests and tools.
 */
export {
  createDeps,
  DEV_CLIENT_ID,
  type AppLogger,
  type CreateDepsOptions,
  type Deps,
} from './deps.js';
export {
  DEADLETTER_DEFAULTS,
  parseDeadletterSettings,
  type DeadletterSettings,
} from './settings.js';
export {
  categoryOf,
  classify,
  MAX_DELIVERY_REASON,
  TTL_EXPIRED_REASON,
  UNRECOGNISED_REASON,
  type Classification,
} from './classify.js';
export { park, type DeadLetterFacts } from './park.js';
export { resultParkedId, type ParkedResult } from './parked-result.js';
export { checkReplayable, replay, type ReplayOutcome, type ReplayRequest } from './replay.js';
export {
  summarise,
  type HourSummary,
  type OutcomeCounts,
  type SummaryFigures,
  type SummaryReport,
} from './summary.js';
export { StatusScan, type StatusScanResult } from './status-scan.js';
export { createParkInboundDeadLetter } from './handlers/park-inbound-dead-letter.js';
export { createParkResultDeadLetter } from './handlers/park-result-dead-letter.js';
export { createListDeadLetters } from './handlers/list-dead-letters.js';
export { createGetDeadLetter } from './handlers/get-dead-letter.js';
export { createReplayDeadLetter } from './handlers/replay-dead-letter.js';
export { createBulkReplay } from './handlers/bulk-replay.js';
export { createPurgeDeadLetter } from './handlers/purge-dead-letter.js';
export { createSummaryReport } from './handlers/summary-report.js';
