/**
 * The bus's two derived keys: the duplicate-detection `messageId` and the `sessionId`
 * that keeps one patient's messages in order.
 *
 * Both are SHA-256 hashes (64 hex characters, inside Service Bus's 128-character limit)
 * rather than the values themselves, so no patient identifier reaches bus metadata,
 * which brokers, dead-letter tooling and diagnostics display freely. A patient identifier
 * such as an NHS number has few enough possible values to be found again by hashing
 * them all, so in production give `patientSessionId` a secret `hashKey` (an HMAC key
 * shared by every ingest instance) to make that infeasible.
 */
import { createHash, createHmac } from 'node:crypto';

// The unit separator cannot occur in an HL7 field, so joined parts never collide.
const SEPARATOR = '\u001f';

/** What identifies one HL7 message for duplicate detection. */
export interface MessageIdentity {
  /** MSH-3, as sent. */
  sendingApplication: string;
  /** MSH-4, as sent. */
  sendingFacility: string;
  /** MSH-10, the message control id. */
  controlId: string;
  /**
   * How many times an operator has replayed the message. A replay needs a new
   * `messageId`, or duplicate detection would drop it within the window.
   */
  replayCount?: number;
}

/**
 * The inbound `messageId`: the hash of sending application, sending facility and MSH-10
 * (and the replay count, when above zero). The same message sent twice gets the same id,
 * so the bus drops the second copy within its duplicate-detection window.
 */
export function inboundMessageId(identity: MessageIdentity): string {
  const parts = ['hl7gw-message-v1', identity.sendingApplication, identity.sendingFacility];
  parts.push(identity.controlId);
  if (identity.replayCount !== undefined && identity.replayCount > 0) {
    parts.push(`replay:${identity.replayCount}`);
  }
  return sha256(parts.join(SEPARATOR));
}

/** What identifies one patient at one sender. */
export interface PatientKey {
  /** MSH-4, as sent. */
  sendingFacility: string;
  /** PID-3.1, the identifier itself; undefined or empty when the message has none. */
  patientId?: string;
  /** PID-3.4, the assigning authority. */
  assigningAuthority?: string;
}

/** Options for `patientSessionId`. */
export interface SessionIdOptions {
  /** An HMAC key; without one the id is a plain SHA-256. */
  hashKey?: string;
  /**
   * The id to use when the message names no patient: normally the gateway id, so the
   * message gets a session of its own instead of queueing behind unrelated ones.
   */
  fallback: string;
}

/**
 * The inbound `sessionId`: a hash of the sending facility and the patient identifier
 * (PID-3.1 with PID-3.4), so the processor sees one patient's messages in order:
 * corrections after finals. Without a patient identifier, `options.fallback` is hashed.
 */
export function patientSessionId(patient: PatientKey, options: SessionIdOptions): string {
  const id = patient.patientId?.trim() ?? '';
  const parts =
    id === ''
      ? ['hl7gw-session-v1', 'unidentified', options.fallback]
      : ['hl7gw-session-v1', patient.sendingFacility, id, patient.assigningAuthority ?? ''];
  const input = parts.join(SEPARATOR);

  if (options.hashKey === undefined) return sha256(input);
  return createHmac('sha256', options.hashKey).update(input, 'utf8').digest('hex');
}

function sha256(input: string): string {
  return createHash('sha256').update(input, 'utf8').digest('hex');
}
