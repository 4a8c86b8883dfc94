/**
 * One segment of an HL7 v2 message. Fields are split only when first read, and
 * components only as far as the read needs, so reading a few values stays cheap.
 */
import type { Charset } from './charset.js';
import type { Delimiters } from './delimiters.js';
import { encodingCharacters } from './delimiters.js';
import { escape, unescape } from './escape.js';
import { parsePath, type Hl7Path } from './path.js';

/** What a segment shares with its message: how to split and how to decode escapes. */
export interface SegmentContext {
  /** The message's delimiters. */
  readonly delimiters: Delimiters;
  /** The message's character set, for `\X..\` escapes. */
  readonly charset: Charset;
}

/**
 * Returns the `n`th (1-based) piece of `text` between `separator`s, or `''` past the end.
 * Without a separator (a message whose MSH-2 lacks one) the whole text is the only piece.
 */
function piece(text: string, separator: string, n: number): string {
  if (separator === '') return n === 1 ? text : '';
  let start = 0;
  for (let i = 1; i < n; i++) {
    const next = text.indexOf(separator, start);
    if (next < 0) return '';
    start = next + 1;
  }
  const end = text.indexOf(separator, start);
  if (start === 0 && end < 0) return text;
  return end < 0 ? text.slice(start) : text.slice(start, end);
}

/** Replaces the `n`th piece of `text` between `separator`s, adding empty pieces as needed. */
function replacePiece(text: string, separator: string, n: number, value: string): string {
  if (separator === '') {
    if (n === 1) return value;
    throw new RangeError('The message declares no separator for this level (MSH-2)');
  }
  const pieces = text.split(separator);
  while (pieces.length < n) pieces.push('');
  pieces[n - 1] = value;
  return pieces.join(separator);
}

/** A segment: its name, and its fields read by spec number (`OBX-5` is `segment.get('5')`). */
export class Hl7Segment {
  /** The segment id, such as `PID` or a Z-segment's name. */
  readonly name: string;
  private text: string;
  private fields: string[] | undefined;
  /** Where each field found so far ends in `text`; reads find only as many as they need. */
  private fieldEnds: number[] = [];
  private allFieldsFound = false;
  private readonly context: SegmentContext;
  private readonly isHeader: boolean;

  /** Wraps the text of one segment, without its terminator. */
  constructor(raw: string, name: string, context: SegmentContext) {
    this.text = raw;
    this.name = name;
    this.context = context;
    // Comparing is cheaper than hashing a freshly sliced name for a Set lookup.
    this.isHeader = name === 'MSH' || name === 'BHS' || name === 'FHS';
  }

  /** The delimiters this segment is written with. */
  get delimiters(): Delimiters {
    return this.context.delimiters;
  }

  /** How many fields the segment holds (the highest field number present). */
  get fieldCount(): number {
    const parts = this.split();
    return this.isHeader ? parts.length : parts.length - 1;
  }

  /**
   * The raw text of field `n` with all its repetitions, escapes left in place; `''` when
   * absent (and for `n` below 1). MSH-1 is the field separator and MSH-2 the encoding
   * characters, as the spec numbers them (HL7 v2.5.1 section 2.14.9).
   */
  field(n: number): string {
    if (n < 1) return '';
    if (this.isHeader && n === 1) return this.context.delimiters.field;
    const index = this.isHeader ? n - 1 : n;
    if (this.fields !== undefined) return this.fields[index] ?? '';

    // Reading a few fields must not split them all: find field ends only up to `index`.
    const ends = this.findFieldEnds(index);
    if (index >= ends.length) return '';
    const start = index === 0 ? 0 : (ends[index - 1] as number) + 1;
    return this.text.slice(start, ends[index]);
  }

  /** How many repetitions field `n` holds; 0 when it is empty. */
  repetitionCount(n: number): number {
    const text = this.field(n);
    if (text === '') return 0;
    if (this.isLiteral(n)) return 1;
    return text.split(this.context.delimiters.repetition).length;
  }

  /**
   * The raw text at a position, escapes left in place; `''` when absent. A repetition,
   * component or subcomponent of 0 means the whole enclosing element (repetition 0 is the
   * field with all its repetitions, as `field` gives it). MSH-1 and MSH-2 are single values:
   * their first repetition, component and subcomponent are the whole field.
   */
  raw(field: number, repetition = 1, component = 0, subcomponent = 0): string {
    const d = this.context.delimiters;
    let text = this.field(field);
    if (text === '') return text;
    if (repetition === 0) return component === 0 ? text : '';
    if (this.isLiteral(field)) {
      return repetition === 1 && component <= 1 && subcomponent <= 1 ? text : '';
    }
    if (repetition > 1 || text.includes(d.repetition)) text = piece(text, d.repetition, repetition);
    if (component === 0) return text;
    text = piece(text, d.component, component);
    if (subcomponent === 0) return text;
    return piece(text, d.subcomponent, subcomponent);
  }

  /**
   * The unescaped value at a position (HL7 v2.5.1 section 2.7); `''` when absent. The HL7
   * explicit null, `""` ("delete this value"), is returned as those two characters, so it
   * stays distinct from an empty field; see `isExplicitNull`.
   */
  value(field: number, repetition = 1, component = 0, subcomponent = 0): string {
    const text = this.raw(field, repetition, component, subcomponent);
    if (this.isLiteral(field)) return text;
    return unescape(text, this.context.delimiters, this.context.charset);
  }

  /**
   * True when the position holds the HL7 explicit null `""` (HL7 v2.5.1 section 2.5.3):
   * the sender asks the receiver to delete the value, unlike an empty field, which leaves
   * it unchanged.
   */
  isExplicitNull(field: number, repetition = 1, component = 0, subcomponent = 0): boolean {
    return this.raw(field, repetition, component, subcomponent) === HL7_NULL;
  }

  /**
   * The unescaped value at a path within this segment: `'5'`, `'3.1'`, `'3[2].1'`, `'3.4.2'`;
   * a path naming this segment (`'PID-5'` on a PID) is taken too.
   * @throws RangeError when the path is not one, or names another segment or occurrence.
   */
  get(path: string): string {
    const p = this.localPath(path);
    return this.value(p.field, p.repetition, p.component, p.subcomponent);
  }

  /**
   * Writes `value` at a path within this segment, escaping it with the message's delimiters
   * (HL7 v2.5.1 section 2.7); missing fields, repetitions, components and subcomponents are
   * added empty.
   * @throws RangeError when the path is not one, for MSH-1 and MSH-2, which define the
   *   delimiters, and when `value` holds a delimiter or line break but the message declares
   *   no escape character.
   */
  set(path: string, value: string): void {
    const p = this.localPath(path);
    if (this.context.delimiters.escape === '' && holdsDelimiter(value, this.context.delimiters)) {
      throw new RangeError('The message declares no escape character (MSH-2) for this value');
    }
    this.setRaw(
      p.field,
      escape(value, this.context.delimiters),
      p.repetition,
      p.component,
      p.subcomponent,
    );
  }

  /**
   * Writes already-escaped text at a position; see `set`. Repetition 0 replaces the whole
   * field, all repetitions, as `raw(field, 0)` reads it.
   * @throws RangeError for MSH-1 and MSH-2, for positions below 1 (0 for the whole of a
   *   field, repetition or component) or above 100,000, and for text holding a line break.
   */
  setRaw(field: number, text: string, repetition = 1, component = 0, subcomponent = 0): void {
    if (this.isHeader && field <= 2) {
      throw new RangeError(`${this.name}-${field} holds the delimiters and cannot be set`);
    }
    if (
      !isPosition(field, 1) ||
      !isPosition(repetition, 0) ||
      (repetition === 0 && component !== 0) ||
      !isPosition(component, 0) ||
      !isPosition(subcomponent, 0)
    ) {
      throw new RangeError(`Not a position to write in ${this.name}: numbers run from 1 to 100000`);
    }
    if (text.includes('\r') || text.includes('\n')) {
      throw new RangeError('A line break would end the segment; escape it first');
    }
    const d = this.context.delimiters;
    let value = text;
    if (component > 0) {
      let rep = piece(this.field(field), d.repetition, repetition);
      if (subcomponent > 0) {
        const comp = piece(rep, d.component, component);
        value = replacePiece(comp, d.subcomponent, subcomponent, value);
      }
      rep = replacePiece(rep, d.component, component, value);
      value = rep;
    }
    const whole =
      repetition === 0 || (repetition === 1 && !this.field(field).includes(d.repetition))
        ? value
        : replacePiece(this.field(field), d.repetition, repetition, value);

    const parts = this.split().slice();
    const index = this.isHeader ? field - 1 : field;
    while (parts.length <= index) parts.push('');
    parts[index] = whole;
    this.fields = parts;
    this.text = parts.join(d.field);
    this.fieldEnds = [];
    this.allFieldsFound = false;
  }

  /** The segment as written, without a terminator; byte for byte the input unless set. */
  toString(): string {
    return this.text;
  }

  private findFieldEnds(index: number): number[] {
    const ends = this.fieldEnds;
    if (index < ends.length || this.allFieldsFound) return ends;
    const separator = this.context.delimiters.field;
    let from = ends.length === 0 ? 0 : (ends[ends.length - 1] as number) + 1;
    while (ends.length <= index) {
      const at = this.text.indexOf(separator, from);
      if (at < 0) {
        ends.push(this.text.length);
        this.allFieldsFound = true;
        break;
      }
      ends.push(at);
      from = at + 1;
    }
    return ends;
  }

  private split(): string[] {
    if (this.fields === undefined) this.fields = this.text.split(this.context.delimiters.field);
    return this.fields;
  }

  private isLiteral(field: number): boolean {
    return this.isHeader && field <= 2;
  }

  private localPath(path: string): Hl7Path {
    const p = parsePath(path);
    if (p.segment !== '' && (p.segment !== this.name || p.occurrence !== 1)) {
      throw new RangeError(`The path '${path}' does not address this ${this.name} segment`);
    }
    return p;
  }
}

/** The HL7 explicit null as written in a field, two double quotes (HL7 v2.5.1 section 2.5.3). */
export const HL7_NULL = '""';

/** The highest field, repetition, component or subcomponent number `setRaw` will create. */
const MAX_POSITION = 100_000;

function isPosition(n: number, min: number): boolean {
  return Number.isInteger(n) && n >= min && n <= MAX_POSITION;
}

function holdsDelimiter(value: string, d: Delimiters): boolean {
  for (const ch of [d.field, d.component, d.repetition, d.subcomponent, d.truncation, '\r', '\n']) {
    if (ch !== '' && value.includes(ch)) return true;
  }
  return false;
}

/** Builds the text of a header segment (MSH, BHS, FHS) up to and including its field 2. */
export function headerPrefix(name: string, delimiters: Delimiters): string {
  return name + delimiters.field + encodingCharacters(delimiters);
}
