/**
 * One repetition of a field, its component ends found once, for readers that take several
 * components of the same repetition: the CE/CWE checks of `validate` and the data-type readers
 * of `toResult`. Asking the segment for each component instead would find the field and walk
 * its separators again for every one.
 */
import type { Hl7Segment } from './segment.js';

/** Repetition `repetition` of field `field`, read as `Hl7Segment.value` reads it. */
export class FieldRepetition {
  /** The segment read. */
  protected readonly segment: Hl7Segment;
  /** The field number (1-based, as the spec numbers it). */
  protected readonly field: number;
  /** The repetition number (1-based). */
  protected readonly repetition: number;
  /** MSH-1 and MSH-2 (and BHS, FHS) are single values; the segment reads them itself. */
  private readonly literal: boolean;
  private text: string;
  /** Where each component ends in `text`, found on the first component read. */
  private componentEnds: number[] | undefined;

  /**
   * Reads repetition `repetition` (1-based) of field `field` of `segment`.
   * Throws nothing.
   */
  constructor(segment: Hl7Segment, field: number, repetition: number) {
    this.segment = segment;
    this.field = field;
    this.repetition = repetition;
    const name = segment.name;
    this.literal = field <= 2 && (name === 'MSH' || name === 'BHS' || name === 'FHS');
    this.text = segment.raw(field, repetition);
  }

  /** The repetition's raw text, escapes kept; `''` when the field or repetition is absent. */
  get raw(): string {
    return this.text;
  }

  /** True when the repetition holds nothing at all (not even the HL7 null `""`). */
  get isEmpty(): boolean {
    return this.text === '';
  }

  /**
   * Component `n` (1-based), unescaped: what `segment.value(field, repetition, n)` returns.
   * Throws nothing.
   */
  componentValue(n: number): string {
    if (this.text === '') return '';
    if (this.literal) return this.segment.value(this.field, this.repetition, n);
    return this.decode(this.rawComponent(n), n, 0);
  }

  /**
   * Component `n` (1-based) as written, escapes kept: what `segment.raw(field, repetition, n)`
   * returns. Throws nothing.
   */
  rawComponent(n: number): string {
    if (this.text === '') return '';
    if (this.literal) return this.segment.raw(this.field, this.repetition, n);
    const separator = this.segment.delimiters.component;
    if (separator === '') return n === 1 ? this.text : '';
    // Ends found with indexOf once, then sliced: cheaper than `split` for the few read.
    const ends = (this.componentEnds ??= endsOf(this.text, separator));
    if (n > ends.length) return '';
    const start = n === 1 ? 0 : (ends[n - 2] as number) + 1;
    return this.text.slice(start, ends[n - 1]);
  }

  /**
   * Subcomponent `s` of component `c` (both 1-based), unescaped: what
   * `segment.value(field, repetition, c, s)` returns. Throws nothing.
   */
  subcomponentValue(c: number, s: number): string {
    if (this.text === '') return '';
    if (this.literal) return this.segment.value(this.field, this.repetition, c, s);
    const component = this.rawComponent(c);
    if (component === '') return '';
    return this.decode(pieceOf(component, this.segment.delimiters.subcomponent, s), c, s);
  }

  /** Reads the repetition again, after the segment was written to. Throws nothing. */
  protected reread(): void {
    this.text = this.segment.raw(this.field, this.repetition);
    this.componentEnds = undefined;
  }

  /**
   * Unescaping changes nothing in text without the escape character, which is nearly all
   * text; the rest goes to the segment, which knows the charset `\X..\` sequences need.
   */
  private decode(text: string, component: number, subcomponent: number): string {
    const escape = this.segment.delimiters.escape;
    if (escape === '' || !text.includes(escape)) return text;
    return this.segment.value(this.field, this.repetition, component, subcomponent);
  }
}

/** The `n`th (1-based) piece of `text` between `separator`s, or `''` past the end. */
function pieceOf(text: string, separator: string, n: number): string {
  if (separator === '') return n === 1 ? text : '';
  let start = 0;
  for (let i = 1; i < n; i++) {
    const at = text.indexOf(separator, start);
    if (at < 0) return '';
    start = at + 1;
  }
  const end = text.indexOf(separator, start);
  return end < 0 ? text.slice(start) : text.slice(start, end);
}

/** Where each piece of `text` between `separator`s ends; the last ends at the text's end. */
function endsOf(text: string, separator: string): number[] {
  const ends: number[] = [];
  let at = text.indexOf(separator);
  while (at >= 0) {
    ends.push(at);
    at = text.indexOf(separator, at + 1);
  }
  ends.push(text.length);
  return ends;
}

/**
 * How many repetitions field `field` holds, as `segment.repetitionCount` counts them, without
 * splitting the field when it holds no repetition separator (nearly every field).
 */
export function repetitionsOf(segment: Hl7Segment, field: number): number {
  const text = segment.field(field);
  if (text === '') return 0;
  return text.includes(segment.delimiters.repetition) ? segment.repetitionCount(field) : 1;
}
