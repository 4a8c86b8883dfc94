/**
 * The MSH facts a replay travels with (the inbound properties) and the patient key its
 * session comes from, read from the message to replay. A replay is an operator action,
 * not the ingest path, so the full parser reads it.
 */
import { isHl7ParseError, parse } from '@hl7gw/hl7-core';
import { GatewayError, type ParkedRecord, type PatientKey } from '@hl7gw/platform';

/** What a replay needs of a message's header. */
export interface ReplayHeader {
  /** MSH-9 as `ORU^R01`. */
  messageType: string;
  /** MSH-12.1. */
  hl7Version: string;
  /** MSH-3, as sent. */
  sendingApplication: string;
  /** MSH-4, as sent. */
  sendingFacility: string;
  /** MSH-10. */
  controlId: string;
  /** PID-3.1 and PID-3.4 with MSH-4, for the session id. */
  patient: PatientKey;
}

/**
 * Reads the header of an HL7 message. Throws `GatewayError` `NOT_HL7` or `PARSE_ERROR`
 * when it cannot be read, and `VALIDATION_FAILED` when MSH-9, MSH-10 or MSH-12 is empty.
 */
export function readReplayHeader(raw: string, maxMessageBytes: number): ReplayHeader {
  let message;
  try {
    message = parse(raw, { maxLength: maxMessageBytes });
  } catch (error) {
    if (isHl7ParseError(error)) {
      const code =
        error.code === 'NOT_HL7' || error.code === 'EMPTY_INPUT' ? 'NOT_HL7' : 'PARSE_ERROR';
      throw new GatewayError(code, error.message, { cause: error });
    }
    throw error;
  }

  const header: ReplayHeader = {
    messageType: message.messageType,
    hl7Version: message.version,
    sendingApplication: message.get('MSH-3'),
    sendingFacility: message.get('MSH-4'),
    controlId: message.controlId,
    patient: {
      sendingFacility: message.get('MSH-4'),
      patientId: message.get('PID-3.1'),
      assigningAuthority: message.get('PID-3.4'),
    },
  };
  for (const [field, value] of [
    ['MSH-9', header.messageType],
    ['MSH-10', header.controlId],
    ['MSH-12', header.hl7Version],
  ] as const) {
    if (value === '') {
      throw new GatewayError('VALIDATION_FAILED', `${field} is required`, { location: field });
    }
  }
  return header;
}

/**
 * The header of a parked message whose content cannot be read (a `parse` dead letter
 * replayed unchanged): the MSH facts its record kept, with placeholders where the bus
 * contract needs a value. Its session is its own.
 */
export function headerFromRecord(record: ParkedRecord): ReplayHeader {
  return {
    messageType: record.messageType || 'UNKNOWN',
    hl7Version: 'UNKNOWN',
    sendingApplication: record.sendingApplication,
    sendingFacility: record.sendingFacility,
    controlId: record.controlId || record.id,
    patient: { sendingFacility: record.sendingFacility },
  };
}
