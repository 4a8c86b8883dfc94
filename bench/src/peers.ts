/**
 * The libraries compared, each behind the same task: parse one message, then read OBX-3.1,
 * OBX-5, OBX-6.1 and OBX-8 of every OBX through the most direct API the library documents.
 */
import { createRequire } from 'node:module';

import { parse } from '@hl7gw/hl7-core';
import { Hl7Message as MedplumMessage } from '@medplum/core';
import { Message as ClientMessage, SegmentList, type HL7Node } from 'node-hl7-client';

/** What one OBX read returns. */
export interface ObxRead {
  readonly code: string;
  readonly value: string;
  readonly units: string;
  readonly flag: string;
}

/** The values one message read returns, recorded for the correctness checks. */
export interface MessageReads {
  controlId: string;
  readonly obx: ObxRead[];
}

/** A library under test. */
export interface Library {
  /** Package name as installed. */
  readonly name: string;
  /**
   * Parses `text` and reads the four OBX values of every OBX; returns the total length of
   * what it read so that no work can be optimised away. With `out`, also records the values
   * and MSH-10 (outside any timed run).
   */
  readMessage(text: string, out?: MessageReads): number;
}

/** Values some peers return as `null`, `undefined` or an object, as text. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function record(out: MessageReads, code: string, value: string, units: string, flag: string) {
  out.obx.push({ code, value, units, flag });
}

const hl7Core: Library = {
  name: '@hl7gw/hl7-core',
  readMessage(text, out) {
    const message = parse(text);
    let length = 0;
    for (const obx of message.segments('OBX')) {
      const code = obx.value(3, 1, 1);
      const value = obx.value(5);
      const units = obx.value(6, 1, 1);
      const flag = obx.value(8);
      length += code.length + value.length + units.length + flag.length;
      if (out) record(out, code, value, units, flag);
    }
    if (out) out.controlId = message.controlId;
    return length;
  },
};

const medplum: Library = {
  name: '@medplum/core',
  readMessage(text, out) {
    const message = MedplumMessage.parse(text);
    let length = 0;
    for (const obx of message.getAllSegments('OBX')) {
      const code = obx.getComponent(3, 1);
      const value = obx.getField(5)?.toString() ?? '';
      const units = obx.getComponent(6, 1);
      const flag = obx.getField(8)?.toString() ?? '';
      length += code.length + value.length + units.length + flag.length;
      if (out) record(out, code, value, units, flag);
    }
    if (out) out.controlId = message.header.getField(10)?.toString() ?? '';
    return length;
  },
};

const nodeHl7Client: Library = {
  name: 'node-hl7-client',
  readMessage(text, out) {
    const message = new ClientMessage({ text });
    const found = message.get('OBX');
    const segments: HL7Node[] = [];
    // get() answers a SegmentList for a repeated segment and the segment itself for one.
    if (found instanceof SegmentList) found.forEach((segment) => segments.push(segment));
    else if (found.name === 'OBX') segments.push(found);

    let length = 0;
    for (const obx of segments) {
      const code = obx.get('3.1').toString();
      const value = obx.get('5').toString();
      const units = obx.get('6.1').toString();
      const flag = obx.get('8').toString();
      length += code.length + value.length + units.length + flag.length;
      if (out) record(out, code, value, units, flag);
    }
    if (out) out.controlId = message.get('MSH.10').toString();
    return length;
  },
};

/** hl7-standard 1.0.4 ships no typings: the part of its README API used here. */
interface Hl7StandardMessage {
  transform(callback?: (error: Error | null) => void, batch?: boolean): void;
  get(path: string, index?: number): unknown;
  getSegments(name: string): unknown[];
}
type Hl7StandardConstructor = new (data: string) => Hl7StandardMessage;

/** simple-hl7 3.3.0 ships no typings: the part of its parser API used here. */
interface SimpleHl7Segment {
  getField(index: number): string;
  getComponent(field: number, component: number): string;
}
interface SimpleHl7Message {
  header: SimpleHl7Segment;
  getSegments(name: string): SimpleHl7Segment[];
}
interface SimpleHl7Module {
  Parser: new (options?: { segmentSeperator: string }) => { parse(text: string): SimpleHl7Message };
}

const require = createRequire(import.meta.url);
const Hl7Standard = require('hl7-standard') as Hl7StandardConstructor;
const simpleHl7 = require('simple-hl7') as SimpleHl7Module;

const hl7Standard: Library = {
  name: 'hl7-standard',
  readMessage(text, out) {
    const message = new Hl7Standard(text);
    message.transform();
    const count = message.getSegments('OBX').length;
    let length = 0;
    for (let i = 0; i < count; i++) {
      const code = asText(message.get('OBX.3.1', i));
      const value = asText(message.get('OBX.5', i));
      const units = asText(message.get('OBX.6.1', i));
      const flag = asText(message.get('OBX.8', i));
      length += code.length + value.length + units.length + flag.length;
      if (out) record(out, code, value, units, flag);
    }
    if (out) out.controlId = asText(message.get('MSH.10'));
    return length;
  },
};

const simpleParser = new simpleHl7.Parser({ segmentSeperator: '\r' });

const simple: Library = {
  name: 'simple-hl7',
  readMessage(text, out) {
    const message = simpleParser.parse(text);
    let length = 0;
    for (const obx of message.getSegments('OBX')) {
      const code = obx.getComponent(3, 1);
      const value = obx.getField(5);
      const units = obx.getComponent(6, 1);
      const flag = obx.getField(8);
      length += code.length + value.length + units.length + flag.length;
      if (out) record(out, code, value, units, flag);
    }
    // The header's fields start at MSH-3, so MSH-10 is its eighth.
    if (out) out.controlId = message.header.getField(8);
    return length;
  },
};

/** hl7-core first, then the peers; the order rounds rotate through. */
export const LIBRARIES: readonly Library[] = [hl7Core, medplum, nodeHl7Client, hl7Standard, simple];

/** The reads of one message, or the error the library threw. */
export function readOnce(library: Library, text: string): MessageReads | Error {
  const out: MessageReads = { controlId: '', obx: [] };
  try {
    library.readMessage(text, out);
    return out;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
