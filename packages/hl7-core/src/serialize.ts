/**
 * Writing a message back to HL7 text or bytes.
 */
import { encodeText } from './charset.js';
import type { Hl7Message } from './message.js';

/**
 * The message as HL7 v2 text, each segment ended by `\r`; with `{ bytes: true }`, encoded
 * in the message's MSH-18 character set.
 */
export function serialize(message: Hl7Message): string;
export function serialize(message: Hl7Message, options: { bytes: true }): Uint8Array;
export function serialize(message: Hl7Message, options?: { bytes: true }): string | Uint8Array {
  const text = message.toString();
  return options?.bytes ? encodeText(text, message.charset) : text;
}
