/**
 * HL7 location paths in the spec's own notation: `SEG[n]-F[r].C.S`, 1-based throughout.
 */

/** A parsed location. Absent parts address the whole of the enclosing element. */
export interface Hl7Path {
  /** Segment name, such as `OBX`; empty for a path relative to one segment (`5.1`). */
  readonly segment: string;
  /** Which occurrence of the segment, counting from 1. */
  readonly occurrence: number;
  /** Field number as in the spec (`OBX-5` is 5; `MSH-1` is the field separator). */
  readonly field: number;
  /** Which repetition of the field, counting from 1. */
  readonly repetition: number;
  /** Component number, or 0 for the whole repetition. */
  readonly component: number;
  /** Subcomponent number, or 0 for the whole component. */
  readonly subcomponent: number;
}

const PATH = /^(?:([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?-)?(\d+)(?:\[(\d+)\])?(?:\.(\d+)(?:\.(\d+))?)?$/;
const cache = new Map<string, Hl7Path>();

/**
 * Parses a path such as `PID-5.1`, `OBX[13]-5`, `PID-3[2].4` or, within a segment, `3[2].1`.
 * Segment names are three upper-case letters or digits, starting with a letter (v2.5.1
 * section 2.5.1); every number counts from 1.
 * @throws RangeError when the text is not a path, or a number in it is 0 or beyond
 *   `Number.MAX_SAFE_INTEGER`.
 */
export function parsePath(text: string): Hl7Path {
  const cached = cache.get(text);
  if (cached) return cached;

  const match = PATH.exec(text);
  if (!match) throw new RangeError(`Not an HL7 path: expected SEG[n]-F[r].C.S, got '${text}'`);
  const [, segment = '', occurrence, field, repetition, component, subcomponent] = match;
  const numbers = [occurrence, field, repetition, component, subcomponent];
  if (numbers.some((n) => n !== undefined && !isCount(Number(n)))) {
    throw new RangeError(`HL7 paths count from 1: '${text}'`);
  }

  const path: Hl7Path = Object.freeze({
    segment,
    occurrence: occurrence ? Number(occurrence) : 1,
    field: Number(field),
    repetition: repetition ? Number(repetition) : 1,
    component: component ? Number(component) : 0,
    subcomponent: subcomponent ? Number(subcomponent) : 0,
  });
  if (cache.size < 10_000) cache.set(text, path);
  return path;
}

function isCount(n: number): boolean {
  return n >= 1 && Number.isSafeInteger(n);
}

/**
 * Writes a location the way validation reports it: `OBX[3]-5.1`; the occurrence only when
 * above 1, the component only when above 0. Never throws.
 */
export function formatLocation(
  segment: string,
  occurrence: number,
  field?: number,
  component?: number,
): string {
  let text = occurrence > 1 ? `${segment}[${occurrence}]` : segment;
  if (field !== undefined) text += `-${field}`;
  if (component !== undefined && component > 0) text += `.${component}`;
  return text;
}
