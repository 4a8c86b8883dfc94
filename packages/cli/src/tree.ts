/**
 * The message tree `hl7gw parse` prints: segments with their fields by spec number, each
 * value unescaped, nested only as deep as the message nests it.
 */
import type { Hl7Message, Hl7Segment } from '@hl7gw/hl7-core';

/**
 * A field value: a plain string when the field has one repetition and no components;
 * otherwise an array of repetitions, each a string or an array of components, each a
 * string or an array of subcomponents. The depth of an array always says what it holds.
 */
export type TreeValue = string | TreeValue[];

/** One segment in the tree: its name and fields keyed by their spec number. */
export interface TreeSegment {
  /** The segment id. */
  readonly name: string;
  /** Non-empty fields by number (`"5"` is OBX-5). */
  readonly fields: Record<string, TreeValue>;
}

/** A message as a tree. */
export interface MessageTree {
  /** MSH-9 as `ORU^R01`. */
  readonly messageType: string;
  /** MSH-10. */
  readonly controlId: string;
  /** The repairs the parser made, if any. */
  readonly repairs: readonly { code: string; location: string }[];
  /** Segments in order. */
  readonly segments: readonly TreeSegment[];
}

function fieldTree(segment: Hl7Segment, field: number): TreeValue {
  const d = segment.delimiters;
  const raw = segment.field(field);
  const isHeaderLiteral =
    (segment.name === 'MSH' || segment.name === 'BHS' || segment.name === 'FHS') && field <= 2;
  if (
    isHeaderLiteral ||
    (!raw.includes(d.repetition) && !raw.includes(d.component) && !raw.includes(d.subcomponent))
  ) {
    return segment.value(field);
  }
  const repetitions: TreeValue[] = [];
  for (let r = 1; r <= segment.repetitionCount(field); r++) {
    const rep = segment.raw(field, r);
    if (!rep.includes(d.component) && !rep.includes(d.subcomponent)) {
      repetitions.push(segment.value(field, r));
      continue;
    }
    const components: TreeValue[] = [];
    const componentCount = rep.split(d.component).length;
    for (let c = 1; c <= componentCount; c++) {
      const comp = segment.raw(field, r, c);
      if (!comp.includes(d.subcomponent)) {
        components.push(segment.value(field, r, c));
        continue;
      }
      const subCount = comp.split(d.subcomponent).length;
      const subs: string[] = [];
      for (let s = 1; s <= subCount; s++) subs.push(segment.value(field, r, c, s));
      components.push(subs);
    }
    repetitions.push(components);
  }
  return repetitions;
}

/** Builds the tree of `message`, leaving out empty fields. */
export function messageTree(message: Hl7Message): MessageTree {
  return {
    messageType: message.messageType,
    controlId: message.controlId,
    repairs: message.repairs.map(({ code, location }) => ({ code, location })),
    segments: message.segments().map((segment) => {
      const fields: Record<string, TreeValue> = {};
      for (let n = 1; n <= segment.fieldCount; n++) {
        if (segment.field(n) !== '') fields[String(n)] = fieldTree(segment, n);
      }
      return { name: segment.name, fields };
    }),
  };
}
