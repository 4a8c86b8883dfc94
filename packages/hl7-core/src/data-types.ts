/**
 * Reading and writing the HL7 v2.5.1 composite data types the result document uses
 * (chapter 2A: CWE, CX, EI, HD, PL, XAD, XCN, XON, XPN, XTN), one reader and one writer per
 * type, so `toResult` and `fromResult` agree on every component.
 */
import { codeSystemUri } from './code-system.js';
import { FieldRepetition, repetitionsOf } from './field-repetition.js';
import type {
  Address,
  CodeableConcept,
  Coding,
  ContactPoint,
  EntityIdentifier,
  HierarchicDesignator,
  HumanName,
  Identifier,
  Location,
  Organization,
  Provider,
} from './result-document.js';
import type { Hl7Segment } from './segment.js';

/** A place whose parts are read and written by number: a field repetition or one component. */
export interface Slot {
  /** True when nothing is written in the slot, so every `read` is undefined. */
  readonly isEmpty: boolean;
  /** Part `n` (1-based), unescaped; undefined when empty or the HL7 null `""`. */
  read(n: number): string | undefined;
  /** Writes part `n`, escaped; does nothing for undefined or empty values. */
  write(n: number, value: string | undefined): void;
}

/** A field repetition, whose components may themselves hold subcomponents. */
export interface FieldSlot extends Slot {
  /** Component `n` as a slot of subcomponents. */
  component(n: number): Slot;
}

/**
 * Drops properties whose value is undefined, keeping the others in order, in a new object;
 * returns undefined when none is left.
 */
export function compact<T extends object>(value: T): T | undefined {
  // for...in with an own-property check reads as Object.keys would, but lets V8 use its enum
  // cache; Object.entries + fromEntries (two arrays per property) was toResult's largest cost.
  let out: Record<string, unknown> | undefined;
  const source = value as Record<string, unknown>;
  for (const key in source) {
    if (!hasOwn.call(source, key)) continue;
    const v = source[key];
    if (v !== undefined) (out ??= {})[key] = v;
  }
  return out as T | undefined;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** A list, or undefined when it is empty. */
export function listOrUndefined<T>(items: readonly (T | undefined)[]): T[] | undefined {
  const present = items.filter((item): item is T => item !== undefined);
  return present.length === 0 ? undefined : present;
}

/** `text` unless it is empty or the HL7 null `""`. */
export function present(text: string): string | undefined {
  return text === '' || text === '""' ? undefined : text;
}

/**
 * The slot for repetition `repetition` of field `field` of `segment`.
 * Throws nothing; writing MSH-1 or MSH-2 throws RangeError (from `Hl7Segment.set`).
 */
export function fieldSlot(segment: Hl7Segment, field: number, repetition = 1): FieldSlot {
  return new RepetitionSlot(segment, field, repetition);
}

/**
 * A field repetition as a slot: its component ends are found once for all the components a
 * data type reads, and read again after every write, so reads see what the slot wrote.
 */
class RepetitionSlot extends FieldRepetition implements FieldSlot {
  read(n: number): string | undefined {
    return present(this.componentValue(n));
  }

  write(n: number, value: string | undefined): void {
    this.writeAt(`${this.field}[${this.repetition}].${n}`, value);
  }

  component(c: number): Slot {
    return new ComponentSlot(this, c);
  }

  writeAt(path: string, value: string | undefined): void {
    if (value === undefined || value === '') return;
    this.segment.set(path, value);
    this.reread();
  }

  pathOf(c: number, n: number): string {
    return `${this.field}[${this.repetition}].${c}.${n}`;
  }
}

/** One component of a field repetition, whose parts are its subcomponents. */
class ComponentSlot implements Slot {
  private readonly parent: RepetitionSlot;
  private readonly c: number;

  constructor(parent: RepetitionSlot, c: number) {
    this.parent = parent;
    this.c = c;
  }

  get isEmpty(): boolean {
    return this.parent.rawComponent(this.c) === '';
  }

  read(n: number): string | undefined {
    return present(this.parent.subcomponentValue(this.c, n));
  }

  write(n: number, value: string | undefined): void {
    this.parent.writeAt(this.parent.pathOf(this.c, n), value);
  }
}

/** Every non-empty repetition of a field, read with `read`, in order. */
export function readRepetitions<T>(
  segment: Hl7Segment,
  field: number,
  read: (slot: FieldSlot) => T | undefined,
): T[] | undefined {
  const count = repetitionsOf(segment, field);
  let items: T[] | undefined;
  for (let r = 1; r <= count; r++) {
    const item = read(fieldSlot(segment, field, r));
    if (item !== undefined) (items ??= []).push(item);
  }
  return items;
}

/** Writes `items` as consecutive repetitions of a field with `write`. */
export function writeRepetitions<T>(
  segment: Hl7Segment,
  field: number,
  items: readonly T[] | undefined,
  write: (slot: FieldSlot, item: T) => void,
): void {
  items?.forEach((item, i) => write(fieldSlot(segment, field, i + 1), item));
}

/** HD (2.A.36), from its parts. */
export function readHd(slot: Slot): HierarchicDesignator | undefined {
  if (slot.isEmpty) return undefined;
  return compact({
    namespaceId: slot.read(1),
    universalId: slot.read(2),
    universalIdType: slot.read(3),
  });
}

/** Writes HD (2.A.36). */
export function writeHd(slot: Slot, hd: HierarchicDesignator | undefined): void {
  if (hd === undefined) return;
  slot.write(1, hd.namespaceId);
  slot.write(2, hd.universalId);
  slot.write(3, hd.universalIdType);
}

/** EI (2.A.28), from its parts. */
export function readEi(slot: Slot): EntityIdentifier | undefined {
  if (slot.isEmpty) return undefined;
  return compact({
    id: slot.read(1),
    namespaceId: slot.read(2),
    universalId: slot.read(3),
    universalIdType: slot.read(4),
  });
}

/** Writes EI (2.A.28). */
export function writeEi(slot: Slot, ei: EntityIdentifier | undefined): void {
  if (ei === undefined) return;
  slot.write(1, ei.id);
  slot.write(2, ei.namespaceId);
  slot.write(3, ei.universalId);
  slot.write(4, ei.universalIdType);
}

/** One coding of a CWE: the primary triplet at `first` = 1, the alternate at `first` = 4. */
export function readCoding(slot: Slot, first: number, versionPart?: number): Coding | undefined {
  if (slot.isEmpty) return undefined;
  const code = slot.read(first);
  const display = slot.read(first + 1);
  const systemName = slot.read(first + 2);
  const version = versionPart === undefined ? undefined : slot.read(versionPart);

  // Built property by property rather than compacted: three codings per OBX make this hot.
  const coding: Coding = {};
  if (code !== undefined) coding.code = code;
  if (display !== undefined) coding.display = display;
  if (systemName !== undefined) {
    const system = codeSystemUri(systemName);
    if (system !== undefined) coding.system = system;
    coding.systemName = systemName;
  }
  if (version !== undefined) coding.version = version;
  return code === undefined &&
    display === undefined &&
    systemName === undefined &&
    version === undefined
    ? undefined
    : coding;
}

/** Writes one coding at `first` (1 or 4); `system` is implied by `systemName`. */
export function writeCoding(
  slot: Slot,
  first: number,
  coding: Coding | undefined,
  versionPart?: number,
): void {
  if (coding === undefined) return;
  slot.write(first, coding.code);
  slot.write(first + 1, coding.display);
  slot.write(first + 2, coding.systemName);
  if (versionPart !== undefined) slot.write(versionPart, coding.version);
}

/** CE, CWE or CNE (2.A.8, 2.A.13, 2.A.12): primary and alternate codings, original text. */
export function readConcept(slot: Slot): CodeableConcept | undefined {
  if (slot.isEmpty) return undefined;
  const codings: Coding[] = [];
  const primary = readCoding(slot, 1, 7);
  const alternate = readCoding(slot, 4, 8);
  if (primary !== undefined) codings.push(primary);
  if (alternate !== undefined) codings.push(alternate);
  const text = slot.read(9);
  if (codings.length === 0 && text === undefined) return undefined;
  return text === undefined ? { codings } : { codings, text };
}

/** Writes CWE: the first coding as primary, the second as alternate, then the text. */
export function writeConcept(slot: Slot, concept: CodeableConcept | undefined): void {
  if (concept === undefined) return;
  writeCoding(slot, 1, concept.codings[0], 7);
  writeCoding(slot, 4, concept.codings[1], 8);
  slot.write(9, concept.text);
}

/** CX (2.A.14); undefined when CX-1 is empty. */
export function readCx(slot: FieldSlot): Identifier | undefined {
  if (slot.isEmpty) return undefined;
  const value = slot.read(1);
  if (value === undefined) return undefined;
  const identifier: Identifier = { value };
  // Assigned, not spread: spreading an object `compact` built takes V8's slow path.
  return Object.assign(
    identifier,
    compact({
      assigningAuthority: readHd(slot.component(4)),
      type: slot.read(5),
      assigningFacility: readHd(slot.component(6)),
    }),
  );
}

/** Writes CX (2.A.14). */
export function writeCx(slot: FieldSlot, identifier: Identifier | undefined): void {
  if (identifier === undefined) return;
  slot.write(1, identifier.value);
  writeHd(slot.component(4), identifier.assigningAuthority);
  slot.write(5, identifier.type);
  writeHd(slot.component(6), identifier.assigningFacility);
}

/** XPN (2.A.88). */
export function readXpn(slot: FieldSlot): HumanName | undefined {
  if (slot.isEmpty) return undefined;
  return compact({
    family: slot.component(1).read(1),
    given: listOrUndefined([slot.read(2), slot.read(3)]),
    prefix: slot.read(5),
    suffix: slot.read(4),
    degree: slot.read(6),
    type: slot.read(7),
  });
}

/** Writes XPN (2.A.88); a third and later given name are joined to the second with spaces. */
export function writeXpn(slot: FieldSlot, name: HumanName): void {
  slot.component(1).write(1, name.family);
  writeGiven(slot, 2, name.given);
  slot.write(4, name.suffix);
  slot.write(5, name.prefix);
  slot.write(6, name.degree);
  slot.write(7, name.type);
}

function writeGiven(slot: Slot, first: number, given: readonly string[] | undefined): void {
  if (given === undefined) return;
  slot.write(first, given[0]);
  slot.write(first + 1, given.slice(1).join(' '));
}

/** XAD (2.A.85). */
export function readXad(slot: FieldSlot): Address | undefined {
  if (slot.isEmpty) return undefined;
  return compact({
    lines: listOrUndefined([slot.component(1).read(1), slot.read(2)]),
    city: slot.read(3),
    state: slot.read(4),
    postalCode: slot.read(5),
    country: slot.read(6),
    type: slot.read(7),
    county: slot.read(9),
  });
}

/** Writes XAD (2.A.85); a third and later line are joined to the second with `, `. */
export function writeXad(slot: FieldSlot, address: Address | undefined): void {
  if (address === undefined) return;
  slot.component(1).write(1, address.lines?.[0]);
  slot.write(2, address.lines?.slice(1).join(', '));
  slot.write(3, address.city);
  slot.write(4, address.state);
  slot.write(5, address.postalCode);
  slot.write(6, address.country);
  slot.write(7, address.type);
  slot.write(9, address.county);
}

const XTN_PARTS = [
  'text',
  'use',
  'equipmentType',
  'email',
  'countryCode',
  'areaCode',
  'localNumber',
  'extension',
] as const;

/** XTN (2.A.89), components 1 to 8. */
export function readXtn(slot: Slot): ContactPoint | undefined {
  if (slot.isEmpty) return undefined;
  const point: ContactPoint = {};
  XTN_PARTS.forEach((key, i) => {
    const value = slot.read(i + 1);
    if (value !== undefined) point[key] = value;
  });
  return compact(point);
}

/** Writes XTN (2.A.89). */
export function writeXtn(slot: Slot, point: ContactPoint | undefined): void {
  if (point === undefined) return;
  XTN_PARTS.forEach((key, i) => slot.write(i + 1, point[key]));
}

/** XCN (2.A.87). */
export function readXcn(slot: FieldSlot): Provider | undefined {
  if (slot.isEmpty) return undefined;
  return compact({
    id: slot.read(1),
    family: slot.component(2).read(1),
    given: listOrUndefined([slot.read(3), slot.read(4)]),
    suffix: slot.read(5),
    prefix: slot.read(6),
    degree: slot.read(7),
    assigningAuthority: readHd(slot.component(9)),
    identifierType: slot.read(13),
  });
}

/** Writes XCN (2.A.87). */
export function writeXcn(slot: FieldSlot, provider: Provider | undefined): void {
  if (provider === undefined) return;
  slot.write(1, provider.id);
  slot.component(2).write(1, provider.family);
  writeGiven(slot, 3, provider.given);
  slot.write(5, provider.suffix);
  slot.write(6, provider.prefix);
  slot.write(7, provider.degree);
  writeHd(slot.component(9), provider.assigningAuthority);
  slot.write(13, provider.identifierType);
}

/** XON (2.A.86); the identifier is XON-10, or the deprecated XON-3 when XON-10 is empty. */
export function readXon(slot: FieldSlot): Organization | undefined {
  if (slot.isEmpty) return undefined;
  return compact({
    name: slot.read(1),
    identifier: slot.read(10) ?? slot.read(3),
    assigningAuthority: readHd(slot.component(6)),
    identifierType: slot.read(7),
  });
}

/** Writes XON (2.A.86), the identifier in XON-10. */
export function writeXon(slot: FieldSlot, organization: Organization | undefined): void {
  if (organization === undefined) return;
  slot.write(1, organization.name);
  writeHd(slot.component(6), organization.assigningAuthority);
  slot.write(7, organization.identifierType);
  slot.write(10, organization.identifier);
}

/** PL (2.A.53). */
export function readPl(slot: FieldSlot): Location | undefined {
  if (slot.isEmpty) return undefined;
  return compact({
    pointOfCare: slot.read(1),
    room: slot.read(2),
    bed: slot.read(3),
    facility: readHd(slot.component(4)),
    type: slot.read(6),
    building: slot.read(7),
    floor: slot.read(8),
    description: slot.read(9),
  });
}

/** Writes PL (2.A.53). */
export function writePl(slot: FieldSlot, location: Location | undefined): void {
  if (location === undefined) return;
  slot.write(1, location.pointOfCare);
  slot.write(2, location.room);
  slot.write(3, location.bed);
  writeHd(slot.component(4), location.facility);
  slot.write(6, location.type);
  slot.write(7, location.building);
  slot.write(8, location.floor);
  slot.write(9, location.description);
}
