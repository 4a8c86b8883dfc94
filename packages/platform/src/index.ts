/**
 * @hl7gw/platform: the adapters and cross-cutting code every app shares. Typed
 * configuration, the platform error type, ids and clock, the bus with its envelopes and
 * claim check, blob and table stores, and the logger with PHI redaction.
 *
 * Test support (Azurite, log capture) is a separate entry point: `@hl7gw/platform/testing`.
 */
export {
  CONFIG_DEFAULTS,
  ConfigError,
  LOG_LEVELS,
  parseConfig,
  parseStorageConnection,
  SERVICE_BUS_SETTING,
  STORAGE_SETTING,
  type Environment,
  type GatewayConfig,
  type LogLevel,
  type ServiceBusConnection,
  type StorageConnection,
} from './config.js';
export {
  isPlatformError,
  PLATFORM_ERROR_RETRYABLE,
  PlatformError,
  toPlatformError,
  type Dependency,
  type PlatformErrorCode,
} from './errors.js';
export { systemClock, TestClock, type Clock } from './clock.js';
export {
  createIdGenerator,
  gatewayIdTime,
  isGatewayId,
  newGatewayId,
  type IdGenerator,
} from './ids.js';
export {
  inboundMessageId,
  patientSessionId,
  type MessageIdentity,
  type PatientKey,
  type SessionIdOptions,
} from './hash.js';
export {
  decodeInbound,
  encodeInbound,
  ENVELOPE_VERSION,
  INBOUND_CHANNELS,
  inboundHeaderProperties,
  JSON_CONTENT_TYPE,
  type InboundChannel,
  type InboundEnvelope,
  type InboundHeaderProperties,
  type InboundMessage,
  type InboundProperties,
  type ReceivedInbound,
} from './envelope.js';
export {
  decodeResult,
  encodeResult,
  RESULT_STATUSES,
  type ReceivedResult,
  type ResultMessage,
  type ResultProperties,
  type ResultStatus,
} from './result-message.js';
export {
  Bus,
  createServiceBusClient,
  DEFAULT_BUS_RETRY,
  type BusOptions,
  type BusRetry,
  type SentInbound,
} from './bus.js';
export { azureCredential, DEFAULT_STORAGE_RETRY, type StorageRetry } from './credential.js';
export {
  BlobStore,
  DEFAULT_BLOB_CONTAINER,
  parkedBlobName,
  rawBlobName,
  type BlobRef,
  type BlobStoreOptions,
} from './blob-store.js';
export {
  DEFAULT_TABLE_NAMES,
  MAX_TRANSACTION_ACTIONS,
  Table,
  type Page,
  type StoredEntity,
} from './table-store.js';
export {
  advance,
  MESSAGE_STATUSES,
  STATUS_TRANSITIONS,
  StatusStore,
  type MessageStatus,
  type StatusFacts,
  type StatusRecord,
  type StatusStep,
  type StatusStoreOptions,
  type TransitionOptions,
} from './status-store.js';
export { BatchStore, type BatchRecord } from './batch-store.js';
export {
  ParkedStore,
  type ParkedQuery,
  type ParkedRecord,
  type ParkedState,
} from './parked-store.js';
export {
  DEAD_LETTER_CATEGORIES,
  isDeadLetterCategory,
  type DeadLetterCategory,
} from './dead-letter-category.js';
export { checkStorageReachable, storageEndpoints } from './storage-probe.js';
export { createAppAdapters, type AppAdapterOptions, type AppAdapters } from './app-adapters.js';
export {
  childFor,
  createLogger,
  PHI_KEYS,
  REDACTED,
  redactPhi,
  type LoggerOptions,
  type MessageLogContext,
} from './logger.js';
export {
  GATEWAY_ERRORS,
  GatewayError,
  isGatewayError,
  toProblemDetails,
  type GatewayErrorCode,
  type GatewayErrorSpec,
  type ProblemDetails,
} from './gateway-error.js';
export { API_KEY_HEADER, ApiKeyVerifier, type ApiKeyClient } from './api-key.js';
export type { AuditEvent, AuditOutcome, AuditWriter } from './audit-writer.js';
export { appendRequired } from './audit-writer.js';
export {
  AUDIT_ENTRY_VERSION,
  AUDIT_OUTCOMES,
  auditBlobName,
  auditDayPrefix,
  formatAuditEntry,
  genesisHash,
  readAuditLine,
  REDACTED_VALUE,
  sha256Hex,
  type AuditEntry,
  type AuditLineProblem,
} from './audit-entry.js';
export {
  AuditLog,
  auditBlobService,
  DEFAULT_AUDIT_CONTAINER,
  parseAuditSettings,
  type AuditLogOptions,
  type AuditSettings,
} from './audit-log.js';
export {
  AuditVerifier,
  MAX_VERIFY_DAYS,
  verifyAuditBlob,
  type AuditBlobFacts,
  type AuditBlobReport,
  type AuditBreak,
  type AuditBreakReason,
  type AuditVerification,
} from './audit-verify.js';
export {
  BATCH_SIZE_BUCKETS,
  DURATION_BUCKETS_MS,
  GatewayMetrics,
  METRIC_ATTRIBUTES,
  METRIC_NAMES,
  type MetricAttributes,
  type MetricName,
} from './telemetry/metrics.js';
export {
  activeTelemetry,
  parseTelemetrySettings,
  setupTelemetry,
  shutdownTelemetry,
  TELEMETRY_DEFAULTS,
  type Telemetry,
  type TelemetryOptions,
  type TelemetrySettings,
} from './telemetry/setup.js';
export {
  activeTraceparent,
  currentTelemetry,
  dependencySpan,
  formatTraceparent,
  parseTraceparent,
  producerSpan,
  tracedInvocations,
  type InvocationLike,
  type PreInvocationLike,
} from './telemetry/spans.js';
export {
  metricsSummary,
  percentile,
  PROMETHEUS_CONTENT_TYPE,
  prometheusText,
  PrometheusReader,
  type MetricsSummary,
} from './telemetry/prometheus.js';
export { ROLES, isRole, type Role } from './auth/roles.js';
export {
  ALL_FACILITIES,
  holdsAnyRole,
  mayActFor,
  requireFacility,
  type Principal,
} from './auth/principal.js';
export {
  API_KEY_HEADER_NAME,
  ApiKeyDirectory,
  DEV_API_CLIENT_ID,
  hashApiKey,
  MAX_KEYS_PER_CLIENT,
  parseApiKeyClients,
  type ApiKeyClientConfig,
} from './auth/api-key-directory.js';
export {
  ENTRA_DEFAULTS,
  EntraTokenVerifier,
  parseEntraSettings,
  type EntraSettings,
} from './auth/entra.js';
export { Authenticator, type CredentialHeaders } from './auth/authenticator.js';
export {
  parseRateLimits,
  RATE_LIMIT_DEFAULTS,
  RateLimiter,
  rateLimitHeaders,
  ROUTE_CLASSES,
  type BucketLimit,
  type ClassLimits,
  type RateDecision,
  type RateLimitSettings,
  type RouteClass,
} from './http/rate-limit.js';
export {
  HTTP_LIMIT_DEFAULTS,
  parseHttpSettings,
  parseMessageLimits,
  type HttpSettings,
  type MessageLimits,
  type RequestLimits,
} from './http/http-settings.js';
export {
  createRouteSecurity,
  type RouteSecurity,
  type RouteSecurityOptions,
} from './http/route-security.js';
export {
  openApiPath,
  pathParameterNames,
  type Deprecation,
  type HttpMethod,
  type JsonSchema,
  type MediaContent,
  type RouteCall,
  type RouteDeclaration,
  type RouteHandler,
  type RouteParameter,
  type RouteResponse,
} from './http/route.js';
export { securedHandler, type FunctionsHttpHandler } from './http/pipeline.js';
export { readBody } from './http/body.js';
export {
  buildOpenApiDocument,
  PROBLEM_SCHEMA,
  type ApiInfo,
  type OpenApiDocument,
} from './http/openapi.js';
export {
  ApiSurface,
  DOCS_ROUTE,
  OPENAPI_ROUTE,
  type ApiSurfaceOptions,
} from './http/api-surface.js';
export { healthRoutes } from './http/health-routes.js';
export {
  checkReadiness,
  healthAliveHandler,
  probeBus,
  probeStorage,
  readinessHandler,
  READINESS_TIMEOUT_MS,
  type DependencyCheck,
  type Readiness,
  type ReadinessProbe,
} from './http/readiness.js';
