/**
 * The thin read ingest does on the request path: the MSH header line and the PID-3 of a
 * message, never the whole message. The body is decoded once in the charset MSH-18 names
 * (as the processor's `parse` will read it), the MSH line is wrapped in an `Hl7Segment` so
 * its values are read exactly as hl7-core reads them, and the PID line is found by a text
 * search; no other segment is split or even found.
 *
 * Why not `parse`: it is lazy about fields, but still splits every line and checks every
 * segment name, which is the processor's work. This reader costs the same for a 1 KB and a
 * 10 MB message, less the one decode.
 */
import {
  charsetFromMsh18,
  decodeBytes,
  Hl7Message,
  Hl7ParseError,
  Hl7Segment,
  readDelimiters,
  type Charset,
  type Delimiters,
} from '@hl7gw/hl7-core';
import { GatewayError, type PatientKey } from '@hl7gw/platform';

/** What ingest needs from a message's header: routing, identity and the patient key. */
export interface MessageHeader {
  /** The delimiters MSH-1 and MSH-2 declare. */
  delimiters: Delimiters;
  /** The charset MSH-18 names (UTF-8 when empty). */
  charset: Charset;
  /** MSH-3.1, the namespace id of the sending application, unescaped. */
  sendingApplication: string;
  /** MSH-4.1, the namespace id of the sending facility, unescaped. */
  sendingFacility: string;
  /** MSH-7.1, the message time as sent (an HL7 DTM). */
  messageTime: string;
  /** MSH-9 as `ORU^R01`. */
  messageType: string;
  /** MSH-10, the message control id. */
  controlId: string;
  /** MSH-12.1, the HL7 version. */
  hl7Version: string;
  /** PID-3 (first repetition) of the first PID, only ever hashed into the session id. */
  patientKey: PatientKey;
  /** The MSH alone as a message, for `buildAck`. */
  ackSource: Hl7Message;
}

/** A message's text, decoded, with its header read. */
export interface ReadMessage {
  /** The whole message, decoded in its MSH-18 charset. */
  text: string;
  /** Its header. */
  header: MessageHeader;
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * Decodes a message body per its MSH-18 and reads its header.
 * @throws Hl7ParseError `EMPTY_INPUT`, `NOT_HL7`, `MSH_MISSING` (a batch header instead of
 *   an MSH), `BAD_ENCODING_CHARACTERS` (MSH-1/MSH-2) or `UNSUPPORTED_CHARSET` (MSH-18).
 */
export function readMessage(body: Uint8Array | string): ReadMessage {
  if (typeof body === 'string') {
    const text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
    const line = firstLine(text);
    return { text, header: readHeaderLines(text, line, charsetOfLine(line)) };
  }

  const bytes = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? body.subarray(3) : body;
  const charset = charsetOfLine(firstLine(headerText(bytes)));
  const text = decodeBytes(bytes, charset);
  return { text, header: readHeaderLines(text, firstLine(text), charset) };
}

/**
 * Reads the header of a message hl7-core has already parsed (a batch member), with the
 * same meaning as `readMessage`.
 */
export function headerOf(message: Hl7Message): MessageHeader {
  const pid = message.segment('PID');
  return headerFromSegments(message.header, pid, message.delimiters, message.charset);
}

/**
 * Checks that a header carries what the bus contract needs: MSH-9, MSH-10 and MSH-12.
 * @throws GatewayError `VALIDATION_FAILED` naming the first missing field.
 */
export function requireRoutingFields(header: MessageHeader): void {
  const required: [string, string][] = [
    ['MSH-9', header.messageType],
    ['MSH-10', header.controlId],
    ['MSH-12', header.hl7Version],
  ];
  for (const [location, value] of required) {
    if (value.trim() === '') {
      throw new GatewayError('VALIDATION_FAILED', `${location} is required`, { location });
    }
  }
}

function readHeaderLines(text: string, msh: string, charset: Charset): MessageHeader {
  const delimiters = readDelimiters(msh);
  const context = { delimiters, charset };
  const pidLine = findSegmentLine(text, 'PID', delimiters.field);
  return headerFromSegments(
    new Hl7Segment(msh, 'MSH', context),
    pidLine === undefined ? undefined : new Hl7Segment(pidLine, 'PID', context),
    delimiters,
    charset,
  );
}

function headerFromSegments(
  msh: Hl7Segment,
  pid: Hl7Segment | undefined,
  delimiters: Delimiters,
  charset: Charset,
): MessageHeader {
  const code = msh.value(9, 1, 1);
  const trigger = msh.value(9, 1, 2);
  const assigningAuthority = pid?.value(3, 1, 4) ?? '';

  return {
    delimiters,
    charset,
    sendingApplication: msh.value(3, 1, 1),
    sendingFacility: msh.value(4, 1, 1),
    messageTime: msh.value(7, 1, 1),
    messageType: trigger === '' ? code : `${code}^${trigger}`,
    controlId: msh.value(10),
    hl7Version: msh.value(12, 1, 1),
    patientKey: {
      sendingFacility: msh.value(4, 1, 1),
      patientId: pid?.value(3, 1, 1) ?? '',
      ...(assigningAuthority === '' ? {} : { assigningAuthority }),
    },
    ackSource: new Hl7Message([msh.toString()], delimiters, charset),
  };
}

/**
 * The first non-blank line, which must be an MSH.
 * @throws Hl7ParseError `EMPTY_INPUT`, `MSH_MISSING` or `NOT_HL7`.
 */
function firstLine(text: string): string {
  const start = text.search(/[^\r\n\t\f\v ]/);
  if (start < 0) throw new Hl7ParseError('EMPTY_INPUT', 'The input holds no segments');
  let end = start;
  while (end < text.length && text.charCodeAt(end) !== CR && text.charCodeAt(end) !== LF) end++;
  const line = text.slice(start, end);

  if (line.startsWith('MSH')) return line;
  if (line.startsWith('FHS') || line.startsWith('BHS')) {
    throw new Hl7ParseError('MSH_MISSING', 'The input is a batch; submit it as a batch', 'line 1');
  }
  throw new Hl7ParseError('NOT_HL7', 'The input does not start with an MSH segment', 'line 1');
}

/**
 * The charset MSH-18 names, UTF-8 when empty.
 * @throws Hl7ParseError `BAD_ENCODING_CHARACTERS` or `UNSUPPORTED_CHARSET`.
 */
function charsetOfLine(msh: string): Charset {
  const delimiters = readDelimiters(msh);
  const msh18 = new Hl7Segment(msh, 'MSH', { delimiters, charset: 'latin1' }).value(18, 1);
  if (msh18 === '') return 'utf-8';
  const charset = charsetFromMsh18(msh18);
  if (charset === undefined) {
    throw new Hl7ParseError('UNSUPPORTED_CHARSET', 'MSH-18 names an unsupported charset', 'MSH-18');
  }
  return charset;
}

/**
 * The start of the body as text good enough to find the MSH line: UTF-8 when it is valid
 * UTF-8 (so a multi-byte delimiter stays one character), latin1 otherwise.
 */
function headerText(bytes: Uint8Array): string {
  let end = 0;
  while (end < bytes.length && (bytes[end] === CR || bytes[end] === LF || bytes[end] === 0x20)) {
    end++;
  }
  while (end < bytes.length && bytes[end] !== CR && bytes[end] !== LF) end++;
  const head = bytes.subarray(0, end);
  const utf8 = decodeBytes(head, 'utf-8');
  return utf8.includes('\uFFFD') ? decodeBytes(head, 'latin1') : utf8;
}

/** The first line naming segment `name`, found without splitting the text into lines. */
function findSegmentLine(text: string, name: string, field: string): string | undefined {
  const needle = name + field;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    const before = text.charCodeAt(at - 1);
    if (at > 0 && before !== CR && before !== LF) continue;
    let end = at;
    while (end < text.length && text.charCodeAt(end) !== CR && text.charCodeAt(end) !== LF) end++;
    return text.slice(at, end);
  }
  return undefined;
}
