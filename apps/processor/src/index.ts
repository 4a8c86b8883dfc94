/**
 * @hl7gw/processor: the handler factories and types, for tests and tools. Azure and the
 * local host load `functions.js` instead.
 */
export { createDeps, type AppLogger, type Deps } from './deps.js';
export {
  createProcessInbound,
  type ProcessInbound,
  type ProcessInboundDeps,
} from './handlers/process-inbound.js';
export { describeFailure, permanentFailure, type PermanentFailure } from './failure.js';
export { recordStatus } from './record-status.js';
export {
  allObservations,
  filterResultStatus,
  isAbnormal,
  resultProperties,
} from './result-properties.js';
export { PROCESSOR_DEFAULTS, parseProcessorSettings, type ProcessorSettings } from './settings.js';
export {
  receivedMessages,
  type PropertiesToModify,
  type ServiceBusMessageActions,
  type ServiceBusMessageContext,
} from './settlement.js';
