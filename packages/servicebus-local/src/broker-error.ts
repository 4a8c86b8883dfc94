/**
 * The single error type the broker raises towards a client, each code naming the AMQP error
 * condition the `@azure/service-bus` client turns into its own error code.
 */

/** The closed list of reasons the broker refuses a request. A code never changes meaning. */
export type BrokerErrorCode =
  /** The address names no queue, topic, subscription or dead-letter queue in the config. */
  | 'ENTITY_NOT_FOUND'
  /** The lock token is unknown or its lock expired: settle or renew no longer applies. */
  | 'MESSAGE_LOCK_LOST'
  /** The session is not locked by this receiver, or its lock expired. */
  | 'SESSION_LOCK_LOST'
  /** Another receiver holds the session, or no session with messages became available. */
  | 'SESSION_CANNOT_BE_LOCKED'
  /** No session with available messages appeared before the client's timeout. */
  | 'TIMEOUT'
  /** A sequence number names no deferred (or scheduled) message. */
  | 'MESSAGE_NOT_FOUND'
  /** The request is well formed but not allowed here (a non-session receiver on a session queue). */
  | 'NOT_ALLOWED'
  /** The request lacks a field or carries one of the wrong type. */
  | 'BAD_REQUEST'
  /** A feature of Azure Service Bus this broker does not provide. */
  | 'NOT_IMPLEMENTED'
  /** The message is larger than the link's maximum message size. */
  | 'MESSAGE_TOO_LARGE';

/** The AMQP error condition and management status code each code is sent as. */
const WIRE: Record<BrokerErrorCode, { condition: string; statusCode: number }> = {
  ENTITY_NOT_FOUND: { condition: 'amqp:not-found', statusCode: 404 },
  MESSAGE_LOCK_LOST: { condition: 'com.microsoft:message-lock-lost', statusCode: 410 },
  SESSION_LOCK_LOST: { condition: 'com.microsoft:session-lock-lost', statusCode: 410 },
  SESSION_CANNOT_BE_LOCKED: {
    condition: 'com.microsoft:session-cannot-be-locked',
    statusCode: 410,
  },
  TIMEOUT: { condition: 'com.microsoft:timeout', statusCode: 408 },
  MESSAGE_NOT_FOUND: { condition: 'com.microsoft:message-not-found', statusCode: 404 },
  NOT_ALLOWED: { condition: 'amqp:not-allowed', statusCode: 400 },
  BAD_REQUEST: { condition: 'com.microsoft:argument-error', statusCode: 400 },
  NOT_IMPLEMENTED: { condition: 'amqp:not-implemented', statusCode: 501 },
  MESSAGE_TOO_LARGE: { condition: 'amqp:link:message-size-exceeded', statusCode: 413 },
};

/**
 * Thrown inside the broker when a client's request cannot be served, and sent to the client
 * as an AMQP error (`condition`, `description`) or a management response status.
 * The message names entities, sessions and sequence numbers, never message content.
 */
export class BrokerError extends Error {
  /** Which rule the request broke. */
  readonly code: BrokerErrorCode;

  constructor(code: BrokerErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BrokerError';
    this.code = code;
  }

  /** The AMQP error condition the client maps to its own error code. */
  get condition(): string {
    return WIRE[this.code].condition;
  }

  /** The management response status code for this error. */
  get statusCode(): number {
    return WIRE[this.code].statusCode;
  }

  /** The error as an AMQP `error` field: condition and description. */
  toAmqpError(): { condition: string; description: string } {
    return { condition: this.condition, description: this.message };
  }
}

/** True when `error` is a `BrokerError`, checked by name and code so it holds across bundles. */
export function isBrokerError(error: unknown): error is BrokerError {
  return (
    error instanceof BrokerError ||
    (error instanceof Error && error.name === 'BrokerError' && 'code' in error)
  );
}

/**
 * Wraps anything thrown inside a request handler as an internal AMQP error, keeping `cause`.
 * A `BrokerError` is returned as it is.
 */
export function toAmqpError(error: unknown): { condition: string; description: string } {
  if (isBrokerError(error)) return error.toAmqpError();
  const description = error instanceof Error ? error.message : String(error);
  return { condition: 'amqp:internal-error', description };
}
