/**
 * The HL7 answers ingest gives clients that speak HL7: a commit accept (CA) for a queued
 * message, and a commit reject or error (CR, CE) carrying one ERR for a refused one.
 * Ingest only commits to processing, so it answers in enhanced mode (HL7 v2.5.1 section
 * 2.9.3); the application ACK is the processor's result.
 */
import {
  buildAck,
  buildRejectAck,
  isHl7ParseError,
  type AckCode,
  type Hl7ErrorCondition,
  type Hl7Message,
} from '@hl7gw/hl7-core';
import type { GatewayError, GatewayErrorCode } from '@hl7gw/platform';

import type { Deps } from './deps.js';
import type { MessageHeader } from './header.js';

/** Table 0357 conditions for the codes a submission can be refused with. */
const CONDITIONS: Partial<Record<GatewayErrorCode, Hl7ErrorCondition>> = {
  NOT_HL7: '100',
  PARSE_ERROR: '100',
  BATCH_INVALID: '100',
  VALIDATION_FAILED: '101',
  UNSUPPORTED_MESSAGE_TYPE: '200',
};

/** The commit accept (CA) for a queued message. */
export function commitAccept(deps: Deps, header: MessageHeader): Hl7Message {
  return buildAck(header.ackSource, {
    code: 'CA',
    controlId: deps.ids(),
    timestamp: deps.clock.now(),
  });
}

/**
 * The commit reject (CR) or commit error (CE, when resending later may work) for `error`:
 * with a readable header the ACK answers its MSH-10; for input the header reader refused,
 * hl7-core salvages what it can. Undefined when neither applies (an error about the
 * request rather than the message), which the caller answers as problem details.
 */
export function commitError(
  deps: Deps,
  error: GatewayError,
  source: { header?: MessageHeader; raw: Uint8Array | string },
): Hl7Message | undefined {
  const options = { controlId: deps.ids(), timestamp: deps.clock.now() };

  if (source.header !== undefined) {
    const issue = {
      code: error.code,
      severity: 'error' as const,
      location: error.location ?? '',
      message: error.message,
      condition: CONDITIONS[error.code] ?? '207',
    };
    const code: AckCode = error.spec.ackCode === 'AR' ? 'CR' : 'CE';
    return buildAck(source.header.ackSource, { ...options, code, issues: [issue] });
  }
  if (isHl7ParseError(error.cause)) {
    return buildRejectAck(source.raw, error.cause, { ...options, code: 'CR' });
  }
  return undefined;
}
