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
  'ISO IR6': 'ascii',
};

/** The charset for an MSH-18 value, or undefined when it is not one this library decodes. */
export function charsetFromMsh18(msh18: string): Charset | undefined {
  // Most senders write a table value exactly; normalising allocates two strings per message.
  if (Object.hasOwn(CHARSETS, msh18)) return CHARSETS[msh18];
  return CHARSETS[msh18.trim().toUpperCase()];
}

// A U+FEFF that survives to decoding is content (an `\XEFBBBF\` escape), never a BOM to strip.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

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

/**
 * Encodes `text` to bytes in `charset`. In latin1 and ASCII every character up to U+00FF is
 * one byte, so bytes read from a message (ASCII ones included) are written back unchanged;
 * any other character, a surrogate pair included, becomes one `?`.
 */
export function encodeText(text: string, charset: Charset): Uint8Array {
  if (charset === 'utf-8') return utf8Encoder.encode(text);

  const bytes = new Uint8Array(text.length);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(i + 1))) i++;
    bytes[length++] = code <= 0xff ? code : 0x3f;
  }
  return length === bytes.length ? bytes : bytes.slice(0, length);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
