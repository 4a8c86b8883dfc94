/**
 * Character sets named in MSH-18 (HL7 table 0211) and how their bytes become text.
 */

/** The character sets hl7-core decodes. */
export type Charset = 'utf-8' | 'latin1' | 'ascii';

/** MSH-18 values (table 0211) mapped to the decoder that reads them. Absent or empty is UTF-8. */
const CHARSETS: Readonly<Record<string, Charset>> = {
  '': 'utf-8',
  'UNICODE UTF-8': 'utf-8',
  'UTF-8': 'utf-8',
  UTF8: 'utf-8',
  ASCII: 'ascii',
  '8859/1': 'latin1',
  'ISO-8859-1': 'latin1',
  'ISO IR100': 'latin1',
};

/** The charset for an MSH-18 value, or undefined when it is not one this library decodes. */
export function charsetFromMsh18(msh18: string): Charset | undefined {
  return CHARSETS[msh18.trim().toUpperCase()];
}

const utf8Decoder = new TextDecoder('utf-8');

/**
 * Decodes `bytes` in `charset`. Invalid UTF-8 sequences become U+FFFD rather than
 * failing, so a bad byte is visible in the value instead of losing the message.
 */
export function decodeBytes(bytes: Uint8Array, charset: Charset): string {
  if (charset === 'utf-8') return utf8Decoder.decode(bytes);

  // ISO-8859-1 maps each byte to the code point of the same number; ASCII is its lower half.
  let text = '';
  const chunk = 0x2000;
  for (let start = 0; start < bytes.length; start += chunk) {
    text += String.fromCharCode(...bytes.subarray(start, start + chunk));
  }
  return text;
}

const utf8Encoder = new TextEncoder();

/** Encodes `text` to bytes in `charset`; characters outside latin1 become `?` there. */
export function encodeText(text: string, charset: Charset): Uint8Array {
  if (charset === 'utf-8') return utf8Encoder.encode(text);

  const limit = charset === 'ascii' ? 0x7f : 0xff;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes[i] = code <= limit ? code : 0x3f;
  }
  return bytes;
}
