/**
 * Dead-letter classification: the reason a message was dead-lettered with, mapped to one
 * of the DESIGN categories. The gateway's own codes carry their category in
 * `GATEWAY_ERRORS`; the broker's two reasons have fixed ones; anything else is `unknown`.
 */
import { GATEWAY_ERRORS, type DeadLetterCategory, type GatewayErrorCode } from '@hl7gw/platform';

/** The reason Service Bus gives a message it gave up delivering. */
export const MAX_DELIVERY_REASON = 'MaxDeliveryCountExceeded';

/** The reason Service Bus gives a message whose time to live ran out. */
export const TTL_EXPIRED_REASON = 'TTLExpiredException';

/** What a reason is stored as when it is absent or not code-shaped. */
export const UNRECOGNISED_REASON = 'UNRECOGNISED';

/** A classified dead letter. */
export interface Classification {
  /** The category it is parked under. */
  category: DeadLetterCategory;
  /** The reason as stored: a gateway code, a broker reason, or `UNRECOGNISED`. */
  code: string;
  /** The description to keep, or undefined when it cannot be trusted to be free of content. */
  description?: string;
}

// Reasons are codes; anything longer or with spaces may be free text from outside code.
const CODE_SHAPED = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const HL7_LIKE = /(^|[\s"'`:])(MSH|BHS|FHS|PID|PD1|NK1|PV1|OBR|OBX|NTE|ORC|SPM)\|/;
const MAX_DESCRIPTION_CHARS = 500;

/**
 * Classifies a dead-letter reason and decides what of its description to keep. Only the
 * descriptions of known reasons are kept (the processor writes codes and locations, the
 * broker fixed sentences), cut to 500 characters and dropped when they look like HL7.
 * Never throws.
 */
export function classify(reason: unknown, description?: unknown): Classification {
  const text = typeof reason === 'string' ? reason.trim() : '';
  const category = categoryOf(text);
  const code = CODE_SHAPED.test(text) ? text : UNRECOGNISED_REASON;

  const kept = category === 'unknown' && !isGatewayCode(text) ? undefined : safe(description);
  return kept === undefined ? { category, code } : { category, code, description: kept };
}

/** The category of a dead-letter reason. */
export function categoryOf(reason: string): DeadLetterCategory {
  if (isGatewayCode(reason)) return GATEWAY_ERRORS[reason].category;
  if (reason === MAX_DELIVERY_REASON) return 'max-delivery';
  if (reason === TTL_EXPIRED_REASON) return 'expired';
  return 'unknown';
}

function isGatewayCode(reason: string): reason is GatewayErrorCode {
  return Object.hasOwn(GATEWAY_ERRORS, reason);
}

function safe(description: unknown): string | undefined {
  if (typeof description !== 'string' && typeof description !== 'number') return undefined;
  const text = String(description).trim().slice(0, MAX_DESCRIPTION_CHARS);
  if (text === '' || HL7_LIKE.test(text)) return undefined;
  return text;
}
