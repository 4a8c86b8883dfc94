/**
 * The single error type of the platform boundary: every failure of configuration, the bus
 * or storage leaves the adapters as a `PlatformError` with a code from a closed list, and
 * the Azure SDK errors behind it stay reachable through `cause`.
 */
import { isServiceBusError } from '@azure/service-bus';

/** The closed list of platform failure codes. A code never changes meaning. */
export type PlatformErrorCode =
  /** A setting is missing or malformed; the process should not start. */
  | 'CONFIG_INVALID'
  /** Service Bus could not be reached, was busy, or the connection broke. */
  | 'BUS_UNAVAILABLE'
  /** Blob or table storage could not be reached or answered with a server error. */
  | 'STORAGE_UNAVAILABLE'
  /** The record, blob or bus entity asked for does not exist. */
  | 'NOT_FOUND'
  /** The record exists already, or changed since it was read (etag mismatch). */
  | 'CONFLICT'
  /** A status change the message lifecycle does not allow, such as `delivered` to `queued`. */
  | 'INVALID_TRANSITION'
  /** A bus message is not a gateway envelope of a version this code reads. */
  | 'ENVELOPE_INVALID'
  /** A message is larger than the bus or the gateway accepts. */
  | 'MESSAGE_TOO_LARGE'
  /** The peek-lock on a message or session expired before it was settled. */
  | 'LOCK_LOST'
  /** The credentials were refused, or lack the rights for the operation. */
  | 'UNAUTHORIZED'
  /** An operation did not finish within its deadline, or was aborted. */
  | 'TIMEOUT'
  /** Anything the translator does not recognise. */
  | 'UNKNOWN';

/** The dependency an error came from, when the error itself cannot tell. */
export type Dependency = 'bus' | 'storage';

/** What each code means to callers: whether retrying the same operation may succeed. */
export const PLATFORM_ERROR_RETRYABLE: Readonly<Record<PlatformErrorCode, boolean>> = {
  CONFIG_INVALID: false,
  BUS_UNAVAILABLE: true,
  STORAGE_UNAVAILABLE: true,
  NOT_FOUND: false,
  CONFLICT: false,
  INVALID_TRANSITION: false,
  ENVELOPE_INVALID: false,
  MESSAGE_TOO_LARGE: false,
  LOCK_LOST: false,
  UNAUTHORIZED: false,
  TIMEOUT: true,
  // Presumed transient: a thrown unknown error lets the bus retry and, after
  // maxDeliveryCount, dead-letter the message, which loses nothing.
  UNKNOWN: true,
};

/**
 * Thrown by every platform adapter. The message names the operation and the code, never
 * message content, so it is safe to log.
 */
export class PlatformError extends Error {
  /** Why the operation failed. */
  readonly code: PlatformErrorCode;
  /** True when repeating the same operation later may succeed. */
  readonly retryable: boolean;

  constructor(code: PlatformErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PlatformError';
    this.code = code;
    this.retryable = PLATFORM_ERROR_RETRYABLE[code];
  }
}

/** True when `error` is a `PlatformError`, checked by name and code so it holds across bundles. */
export function isPlatformError(error: unknown): error is PlatformError {
  return (
    error instanceof PlatformError ||
    (error instanceof Error && error.name === 'PlatformError' && 'code' in error)
  );
}

const SERVICE_BUS_CODES: Readonly<Record<string, PlatformErrorCode>> = {
  ServiceCommunicationProblem: 'BUS_UNAVAILABLE',
  ServiceBusy: 'BUS_UNAVAILABLE',
  QuotaExceeded: 'BUS_UNAVAILABLE',
  MessagingEntityDisabled: 'BUS_UNAVAILABLE',
  GeneralError: 'BUS_UNAVAILABLE',
  ServiceTimeout: 'TIMEOUT',
  MessagingEntityNotFound: 'NOT_FOUND',
  MessageNotFound: 'NOT_FOUND',
  MessagingEntityAlreadyExists: 'CONFLICT',
  MessageLockLost: 'LOCK_LOST',
  SessionLockLost: 'LOCK_LOST',
  SessionCannotBeLocked: 'LOCK_LOST',
  MessageSizeExceeded: 'MESSAGE_TOO_LARGE',
  UnauthorizedAccess: 'UNAUTHORIZED',
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
]);

/**
 * Normalises anything thrown by the Azure SDKs (a `ServiceBusError` by its code, a
 * `RestError` by its HTTP status, a Node socket error by its `code`) into a
 * `PlatformError`, keeping the original as `cause`. A `PlatformError` passes through.
 * `dependency` decides what a bare socket error means; without it such errors are
 * `UNKNOWN`. Never throws.
 */
export function toPlatformError(error: unknown, dependency?: Dependency): PlatformError {
  if (isPlatformError(error)) return error;

  const code = classify(error, dependency);
  const what = dependency === undefined ? 'platform operation' : `${dependency} operation`;
  const detail = describe(error);
  return new PlatformError(code, `${what} failed (${code})${detail}`, { cause: error });
}

function classify(error: unknown, dependency: Dependency | undefined): PlatformErrorCode {
  // The SDK also throws core-amqp's MessagingError (a socket failure, say) as is.
  if (isServiceBusError(error) || (error instanceof Error && error.name === 'MessagingError')) {
    const code = String((error as { code?: unknown }).code);
    if (code === 'ETIMEDOUT') return 'TIMEOUT';
    return SERVICE_BUS_CODES[code] ?? 'BUS_UNAVAILABLE';
  }

  if (isRestError(error)) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined) return fromHttpStatus(status, dependency ?? 'storage');
  }

  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return 'TIMEOUT';
  }

  const errno = networkCode(error);
  if (errno !== undefined) {
    if (errno === 'ETIMEDOUT') return 'TIMEOUT';
    if (dependency === 'bus') return 'BUS_UNAVAILABLE';
    if (dependency === 'storage') return 'STORAGE_UNAVAILABLE';
  }
  return 'UNKNOWN';
}

function fromHttpStatus(status: number, dependency: Dependency): PlatformErrorCode {
  const unavailable = dependency === 'bus' ? 'BUS_UNAVAILABLE' : 'STORAGE_UNAVAILABLE';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409 || status === 412) return 'CONFLICT';
  if (status === 401 || status === 403) return 'UNAUTHORIZED';
  if (status === 408) return 'TIMEOUT';
  if (status === 413) return 'MESSAGE_TOO_LARGE';
  if (status === 429 || status >= 500) return unavailable;
  return 'UNKNOWN';
}

/** By name, because storage-blob and data-tables may each bring their own `RestError` class. */
function isRestError(error: unknown): boolean {
  return error instanceof Error && error.name === 'RestError';
}

/** The socket error code, looking one level into `cause` where the SDKs wrap it. */
function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 3; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Status and code of the underlying error: identifiers only, never its message text. */
function describe(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  const parts = [
    typeof statusCode === 'number' ? `status ${statusCode}` : undefined,
    typeof code === 'string' ? code : undefined,
  ].filter((part) => part !== undefined);
  return parts.length === 0 ? '' : `: ${parts.join(', ')}`;
}
