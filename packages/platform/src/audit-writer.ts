/**
 * The contract between the code that decides what is audited (the HTTP route pipeline,
 * operator handlers) and the append-only audit log that stores it. Kept apart from the log
 * itself so that callers depend only on this small shape.
 */
import { GatewayError } from './gateway-error.js';

/** What an audit entry says happened; never any patient data, only ids and codes. */
export type AuditOutcome = 'success' | 'denied' | 'failure';

/** One event to audit, as a caller describes it; the log adds the time, sequence and hashes. */
export interface AuditEvent {
  /** Who: the client id of an API key, or the object id (`oid`) of an Entra principal; `anonymous` before authentication. */
  actor: string;
  /** What was done, as a dotted verb such as `message.status.read` or `deadletter.replay`. */
  action: string;
  /** The resource acted on: a gateway id, batch id, parked id or route; never message content. */
  resource?: string;
  /** How it ended. */
  outcome: AuditOutcome;
  /** The gateway error code when the outcome is not a success. */
  code?: string;
  /** The caller's network address as the host saw it. */
  ip?: string;
  /** The W3C trace id of the request, to join the entry with its telemetry. */
  traceId?: string;
}

/** Anything that can take audit events: the audit log, or a test's recorder. */
export interface AuditWriter {
  /** Appends one event; resolves once it is durable. */
  append(event: AuditEvent): Promise<void>;
}

/**
 * Runs an audit write that the answer depends on: an action that cannot be put on record is
 * not reported as done, so the caller answers 503 instead.
 * @param write - Appends the entry; called once.
 * @throws GatewayError `DEPENDENCY_UNAVAILABLE` when `write` fails, with the failure as `cause`.
 */
export async function appendRequired(write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    throw new GatewayError('DEPENDENCY_UNAVAILABLE', 'The audit log is unavailable', {
      cause: error,
    });
  }
}
