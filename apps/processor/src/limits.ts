/**
 * Parsing within the configured message limits (`HL7GW_MAX_SEGMENTS`,
 * `HL7GW_MAX_FIELD_LENGTH`), the same limits ingest's convert applies. A message over one
 * fails the same way on every delivery, so it is a permanent validation failure, named by
 * its location (`OBX[3]-5`), never by its content.
 */
import { isHl7ParseError, parse, type Hl7Message } from '@hl7gw/hl7-core';
import type { MessageLimits } from '@hl7gw/platform';

import { rejection } from './failure.js';

/**
 * Parses `raw` within `limits`.
 * @throws GatewayError `VALIDATION_FAILED` (detail `TOO_LARGE`) for too many segments or a
 *   field too long; `Hl7ParseError` for anything else the parser refuses.
 */
export function parseWithinLimits(raw: string | Uint8Array, limits: MessageLimits): Hl7Message {
  try {
    return parse(raw, { maxSegments: limits.maxSegments, maxFieldLength: limits.maxFieldLength });
  } catch (error) {
    if (isHl7ParseError(error) && error.code === 'TOO_LARGE') {
      throw rejection('VALIDATION_FAILED', 'TOO_LARGE', error.location);
    }
    throw error;
  }
}
