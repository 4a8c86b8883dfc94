/**
 * An HL7 v2 message: its segments in order, its delimiters and character set, and the
 * repairs the parser made to read it.
 */
import type { Charset } from './charset.js';
import type { Delimiters } from './delimiters.js';
import { parsePath } from './path.js';
import { Hl7Segment, type SegmentContext } from './segment.js';

/** A change the lenient parser made to read malformed input; reported, never silent. */
export interface Repair {
  /** What was repaired. */
  readonly code: 'JOINED_WRAPPED_LINE' | 'DROPPED_BLANK_LINE';
  /** Where, such as `line 6`. */
  readonly location: string;
  /** A sentence for people, naming no field contents. */
  readonly message: string;
}

/** A parsed message. Read values with `get('OBX[2]-5')` or through `segments('OBX')`. */
export class Hl7Message {
  /** The message's delimiters, from MSH-1 and MSH-2. */
  readonly delimiters: Delimiters;
  /** The character set of the message's text, from MSH-18. */
  readonly charset: Charset;
  /** What the parser repaired to read the message; empty for well-formed input. */
  readonly repairs: readonly Repair[];
  private readonly list: Hl7Segment[];
  private readonly context: SegmentContext;
  private index: Map<string, Hl7Segment[]> | undefined;

  /** Builds a message from segment texts already split; `parse` is the usual way in. */
  constructor(
    segmentTexts: readonly string[],
    delimiters: Delimiters,
    charset: Charset,
    repairs: readonly Repair[] = [],
  ) {
    this.delimiters = delimiters;
    this.charset = charset;
    this.repairs = repairs;
    this.context = { delimiters, charset };
    this.list = segmentTexts.map((text) => this.makeSegment(text));
  }

  /** All segments in order, or those named `name`. */
  segments(name?: string): readonly Hl7Segment[] {
    if (name === undefined) return this.list;
    return this.named(name);
  }

  /** The `occurrence`th (1-based) segment named `name`, or undefined. */
  segment(name: string, occurrence = 1): Hl7Segment | undefined {
    return this.named(name)[occurrence - 1];
  }

  /**
   * The unescaped value at a path: `PID-5.1`, `OBX[13]-5`, `PID-3[2].4`, `MSH-9.2`;
   * `''` when the segment or value is absent, `""` for the HL7 explicit null.
   * @throws RangeError when the path is not one or names no segment.
   */
  get(path: string): string {
    const p = parsePath(path);
    if (p.segment === '') throw new RangeError(`A message path names its segment: '${path}'`);
    const segment = this.segment(p.segment, p.occurrence);
    if (!segment) return '';
    return segment.value(p.field, p.repetition, p.component, p.subcomponent);
  }

  /**
   * True when the value at a path is the HL7 explicit null `""` (HL7 v2.5.1 section 2.5.3),
   * which `get` returns as those two characters; false when absent or anything else.
   * @throws RangeError when the path is not one or names no segment.
   */
  isExplicitNull(path: string): boolean {
    const p = parsePath(path);
    if (p.segment === '') throw new RangeError(`A message path names its segment: '${path}'`);
    const segment = this.segment(p.segment, p.occurrence);
    return segment?.isExplicitNull(p.field, p.repetition, p.component, p.subcomponent) ?? false;
  }

  /** The MSH segment. */
  get header(): Hl7Segment {
    return this.list[0] as Hl7Segment;
  }

  /**
   * MSH-9 as `ORU^R01`: message code and trigger event (HL7 v2.5.1 section 2.14.9.9), always
   * joined with `^` whatever the message's component separator, so it can be compared and
   * routed on; the code alone when there is no trigger event.
   */
  get messageType(): string {
    const code = this.header.value(9, 1, 1);
    const trigger = this.header.value(9, 1, 2);
    return trigger === '' ? code : `${code}^${trigger}`;
  }

  /** MSH-10, the message control id. */
  get controlId(): string {
    return this.header.value(10);
  }

  /** MSH-12.1, the HL7 version such as `2.5.1`. */
  get version(): string {
    return this.header.value(12, 1, 1);
  }

  /** Appends a segment written as text (already escaped) and returns it. */
  appendSegment(text: string): Hl7Segment {
    const segment = this.makeSegment(text);
    this.list.push(segment);
    this.index = undefined;
    return segment;
  }

  /** The message as HL7 text, each segment ended by `\r`. */
  toString(): string {
    let text = '';
    for (const segment of this.list) text += segment.toString() + '\r';
    return text;
  }

  private makeSegment(text: string): Hl7Segment {
    const end = text.indexOf(this.delimiters.field);
    return new Hl7Segment(text, end < 0 ? text : text.slice(0, end), this.context);
  }

  /**
   * The segments named `name`, found by one scan the first time each name is asked for:
   * readers ask for a few names, so indexing every segment's name up front costs more.
   */
  private named(name: string): Hl7Segment[] {
    this.index ??= new Map();
    let found = this.index.get(name);
    if (found === undefined) {
      found = this.list.filter((segment) => segment.name === name);
      this.index.set(name, found);
    }
    return found;
  }
}
