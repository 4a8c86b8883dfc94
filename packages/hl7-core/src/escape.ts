/**
 * HL7 v2 escape sequences (v2.5.1 section 2.7), always with the message's own delimiters.
 */
import { decodeBytes, encodeText, type Charset } from './charset.js';
import { encodingCharacters, type Delimiters } from './delimiters.js';

/**
 * Replaces escape sequences in `text` with what they stand for:
 * `\F\ \S\ \T\ \R\ \E\` (and `\P\`, the v2.7 truncation character) become the delimiters,
 * `\Xhh...\` becomes its bytes decoded in `charset`, `\.br\` becomes a line feed,
 * `\H\` and `\N\` (highlighting on and off) are dropped, and every other sequence
 * (`\Zxx\`, `\Cxxyy\`, `\Mxxyyzz\`, other formatting commands), like an unterminated one,
 * passes through unchanged. Without an escape character in MSH-2, `text` is returned as is.
 * Never throws.
 */
export function unescape(text: string, delimiters: Delimiters, charset: Charset = 'utf-8'): string {
  const esc = delimiters.escape;
  if (esc === '') return text;
  let start = text.indexOf(esc);
  if (start < 0) return text;

  let out = '';
  let copied = 0;
  while (start >= 0) {
    const end = text.indexOf(esc, start + 1);
    if (end < 0) break;
    const body = text.slice(start + 1, end);
    const replacement = expand(body, delimiters, charset);
    if (replacement === undefined) {
      // Unknown sequence: keep it whole and carry on after its closing escape character.
      start = text.indexOf(esc, end + 1);
      continue;
    }
    out += text.slice(copied, start) + replacement;
    copied = end + 1;
    start = text.indexOf(esc, copied);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function expand(body: string, d: Delimiters, charset: Charset): string | undefined {
  switch (body) {
    case 'F':
      return d.field;
    case 'S':
      return d.component;
    case 'T':
      return d.subcomponent === '' ? undefined : d.subcomponent;
    case 'R':
      return d.repetition;
    case 'E':
      return d.escape;
    case 'P':
      return d.truncation === '' ? undefined : d.truncation;
    case '.br':
      return '\n';
    case 'H':
    case 'N':
      return '';
  }
  if (body.length >= 3 && body.charCodeAt(0) === 0x58 /* X */ && body.length % 2 === 1) {
    return decodeHex(body.slice(1), charset);
  }
  return undefined;
}

const HEX_DIGITS = /^[0-9A-Fa-f]+$/;

function decodeHex(hex: string, charset: Charset): string | undefined {
  if (!HEX_DIGITS.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  }
  return decodeBytes(bytes, charset);
}

/**
 * Writes `text` so that it reads back unchanged through `unescape`: the escape
 * character and every delimiter become their sequences, a line feed becomes `\.br\`
 * (`\X0A\` when `.` is a delimiter), and a carriage return (which would end the segment)
 * becomes `\X0D\`. A message without an escape character (MSH-2 of two characters) cannot
 * escape anything, so `text` is returned as is.
 */
export function escape(text: string, delimiters: Delimiters): string {
  const d = delimiters;
  if (d.escape === '') return text;
  const lineFeed = usesDot(d) ? 'X0A' : '.br';

  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    let sequence: string | undefined;
    if (ch === d.escape) sequence = 'E';
    else if (ch === d.field) sequence = 'F';
    else if (ch === d.component) sequence = 'S';
    else if (ch === d.subcomponent) sequence = 'T';
    else if (ch === d.repetition) sequence = 'R';
    else if (ch === '\n') sequence = lineFeed;
    else if (ch === '\r') sequence = 'X0D';
    else if (d.truncation !== '' && ch === d.truncation) sequence = 'P';
    if (sequence === undefined) continue;
    out += text.slice(copied, i) + d.escape + sequence + d.escape;
    copied = i + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function usesDot(d: Delimiters): boolean {
  return d.field === '.' || encodingCharacters(d).includes('.');
}

/** Hex-escapes `text` as `\Xhh...\` in `charset`; for characters a receiver cannot take raw. */
export function hexEscape(text: string, delimiters: Delimiters, charset: Charset): string {
  let hex = '';
  for (const byte of encodeText(text, charset))
    hex += byte.toString(16).toUpperCase().padStart(2, '0');
  return `${delimiters.escape}X${hex}${delimiters.escape}`;
}
