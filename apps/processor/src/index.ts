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
  eachMessage,
  receivedMessages,
  type PropertiesToModify,
  type ServiceBusMessageActions,
  type ServiceBusMessageContext,
  type ServiceBusTriggerHandler,
} from './settlement.js';
export { AllowList, ALLOWLIST_SETTING, DestinationNotAllowedError } from './delivery/allow-list.js';
export { retryDelayMs, type BackoffPolicy } from './delivery/backoff.js';
export { CircuitBreaker, type CircuitDecision, type CircuitState } from './delivery/breaker.js';
export type { Connector, DeliveryContext } from './delivery/connector.js';
export {
  createDeliverResult,
  type DeliverResult,
  type DeliverResultDeps,
  type ResultScheduler,
} from './delivery/deliver-result.js';
export {
  CONNECTORS,
  createDeliveryRuntime,
  type DeliveryRuntime,
} from './delivery/delivery-runtime.js';
export {
  ATTEMPT_PROPERTY,
  DESTINATION_DEFAULTS,
  DESTINATION_KINDS,
  parseDestinations,
  RETRY_FOR_PROPERTY,
  subscriptionConfig,
  subscriptionRule,
  type Destination,
  type DestinationKind,
  type DestinationTls,
} from './delivery/destinations.js';
export {
  classifyAck,
  classifyError,
  classifyHttpStatus,
  type DeliveryOutcome,
} from './delivery/outcome.js';
export {
  DEFAULT_SIGNATURE_TOLERANCE_MS,
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  verifyWebhook,
  type SignatureProblem,
} from './delivery/signature.js';
