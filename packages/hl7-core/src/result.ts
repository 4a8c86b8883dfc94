/**
 * Mapping an ORU^R01 message to the canonical result document (`urn:hl7gw:result:1`),
 * following the v2.5.1 ORU_R01 structure (chapter 7) and data types (chapter 2A).
 */
import {
  compact,
  fieldSlot,
  listOrUndefined,
  present,
  readConcept,
  readCoding,
  readCx,
  readEi,
  readHd,
  readPl,
  readRepetitions,
  readXad,
  readXcn,
  readXon,
  readXpn,
  readXtn,
} from './data-types.js';
import { hl7DateTimeToIso } from './datetime.js';
import { repetitionsOf } from './field-repetition.js';
import { Hl7MappingError } from './mapping-error.js';
import type { Hl7Message } from './message.js';
import { readObservationValues, readReferenceRange } from './observation-value.js';
import {
  readOruR01,
  type ObservationGroup,
  type OrderObservationGroup,
  type PatientGroup,
  type SegmentRef,
  type SpecimenGroup,
  type VisitGroup,
} from './oru-r01.js';
import { formatLocation } from './path.js';
import type {
  Contact,
  MappingIssue,
  MessageSource,
  Note,
  Observation,
  Order,
  Patient,
  ResultDocument,
  Specimen,
  Visit,
} from './result-document.js';
import type { Hl7Segment } from './segment.js';

/** A whole number as SI and NM counts are written: digits, an optional `+`, spaces around. */
const WHOLE_NUMBER = /^\s*\+?\d+\s*$/;

/** What the caller knows about the message that the message does not say. */
export interface ToResultOptions {
  /** The gateway's id for the message, copied to `source.gatewayMessageId`. */
  readonly gatewayMessageId?: string;
}

/**
 * Maps an ORU^R01 to a result document. Values are unescaped; OBX-5 is typed by OBX-2
 * (see `readObservationValues`); times become ISO 8601 at the precision sent; coding system
 * names gain URIs. A value that cannot be read as its type is never dropped: in OBX-5 it
 * becomes text marked `malformed`, elsewhere it is listed in `issues` with its location.
 * Segments are placed leniently (see `readOruR01`).
 * @throws Hl7MappingError `UNSUPPORTED_MESSAGE_TYPE` when MSH-9 is not ORU^R01,
 *   `MULTIPLE_PATIENTS` for a second PATIENT_RESULT group, `PATIENT_MISSING` without a PID,
 *   `ORDER_MISSING` without an OBR.
 */
export function toResult(message: Hl7Message, options: ToResultOptions = {}): ResultDocument {
  if (message.messageType !== 'ORU^R01') {
    throw new Hl7MappingError('UNSUPPORTED_MESSAGE_TYPE', 'MSH-9 is not ORU^R01', 'MSH-9');
  }
  const view = readOruR01(message);
  const second = view.patientResults[1];
  if (second !== undefined) {
    const location = second.patient ? formatLocation('PID', second.patient.pid.occurrence) : 'PID';
    throw new Hl7MappingError(
      'MULTIPLE_PATIENTS',
      'The message holds results for more than one patient',
      location,
    );
  }
  if (view.patient === undefined) {
    throw new Hl7MappingError('PATIENT_MISSING', 'The message has no PID segment', 'PID');
  }
  if (view.orders.length === 0) {
    throw new Hl7MappingError('ORDER_MISSING', 'The message has no OBR segment', 'OBR');
  }

  const fields = new FieldReader();
  const document: ResultDocument = {
    schemaVersion: 1,
    source: readSource(view.header, fields, options),
    patient: readPatient(view.patient, fields),
    orders: view.orders.map((order) => readOrder(order, fields)),
  };
  const visit = view.visit && readVisit(view.visit, fields);
  if (visit !== undefined) document.visit = visit;
  if (fields.issues.length > 0) document.issues = fields.issues;
  return document;
}

/** Reads typed scalar fields and records, with their location, those that do not read. */
class FieldReader {
  readonly issues: MappingIssue[] = [];

  /** A TS field's time (`part` undefined), or the time in component `part` of a DR field. */
  time(ref: SegmentRef, field: number, part?: number): string | undefined {
    const text =
      part === undefined
        ? present(ref.segment.value(field, 1, 1))
        : present(ref.segment.value(field, 1, part, 1));
    if (text === undefined) return undefined;
    const iso = hl7DateTimeToIso(text);
    if (iso === undefined) this.report('INVALID_DATETIME', ref, field, part, text);
    return iso;
  }

  /** A whole number (SI, or NM used as a count). */
  integer(ref: SegmentRef, field: number): number | undefined {
    const text = present(ref.segment.value(field));
    if (text === undefined) return undefined;
    if (!WHOLE_NUMBER.test(text)) {
      this.report('INVALID_NUMBER', ref, field, undefined, text);
      return undefined;
    }
    return Number(text);
  }

  private report(
    code: MappingIssue['code'],
    ref: SegmentRef,
    field: number,
    part: number | undefined,
    text: string,
  ): void {
    const location = formatLocation(ref.segment.name, ref.occurrence, field, part);
    this.issues.push({ code, location, text });
  }
}

/** The first component of an ID or IS field, also when a sender wrote a CWE there. */
function code(segment: Hl7Segment, field: number): string | undefined {
  return present(segment.value(field, 1, 1));
}

function readSource(header: SegmentRef, fields: FieldReader, options: ToResultOptions) {
  const msh = header.segment;
  const source: MessageSource = { messageType: 'ORU^R01' };
  // Assigned, not spread: spreading an object `compact` built takes V8's slow path.
  return Object.assign(
    source,
    compact({
      gatewayMessageId: options.gatewayMessageId,
      controlId: present(msh.value(10)),
      sendingApplication: readHd(fieldSlot(msh, 3)),
      sendingFacility: readHd(fieldSlot(msh, 4)),
      receivingApplication: readHd(fieldSlot(msh, 5)),
      receivingFacility: readHd(fieldSlot(msh, 6)),
      messageTime: fields.time(header, 7),
      processingId: code(msh, 11),
      version: code(msh, 12),
      profiles: readRepetitions(msh, 21, readEi),
    }),
  );
}

function readPatient(group: PatientGroup, fields: FieldReader): Patient {
  const pid = group.pid.segment;
  const patient: Patient | undefined = compact({
    identifiers: readRepetitions(pid, 3, readCx),
    names: readRepetitions(pid, 5, readXpn),
    mothersMaidenNames: readRepetitions(pid, 6, readXpn),
    birthDate: fields.time(group.pid, 7),
    sex: code(pid, 8),
    races: readRepetitions(pid, 10, readConcept),
    addresses: readRepetitions(pid, 11, readXad),
    phones: readRepetitions(pid, 13, readXtn),
    businessPhones: readRepetitions(pid, 14, readXtn),
    accountNumber: readCx(fieldSlot(pid, 18)),
    ethnicGroups: readRepetitions(pid, 22, readConcept),
    multipleBirthIndicator: code(pid, 24),
    birthOrder: fields.integer(group.pid, 25),
    deathTime: fields.time(group.pid, 29),
    deathIndicator: code(pid, 30),
    contacts: listOrUndefined(group.nextOfKin.map((ref) => readContact(ref.segment))),
    notes: readNotes(group.notes),
  });
  return patient ?? {};
}

function readContact(nk1: Hl7Segment): Contact | undefined {
  return compact({
    names: readRepetitions(nk1, 2, readXpn),
    relationship: readConcept(fieldSlot(nk1, 3)),
    addresses: readRepetitions(nk1, 4, readXad),
    phones: readRepetitions(nk1, 5, readXtn),
    businessPhones: readRepetitions(nk1, 6, readXtn),
    role: readConcept(fieldSlot(nk1, 7)),
  });
}

/** NTE segments as notes; a note with an empty NTE-3 is kept as a blank line. */
function readNotes(refs: readonly SegmentRef[]): Note[] | undefined {
  const notes = refs.map(({ segment: nte }) => {
    const lines: string[] = [];
    const repetitions = repetitionsOf(nte, 3);
    for (let r = 1; r <= repetitions; r++) lines.push(nte.value(3, r));
    const note: Note = { text: present(lines.join('\n')) ?? '' };
    const source = code(nte, 2);
    const type = readConcept(fieldSlot(nte, 4));
    if (source !== undefined) note.source = source;
    if (type !== undefined) note.type = type;
    return note;
  });
  return listOrUndefined(notes);
}

function readVisit(group: VisitGroup, fields: FieldReader): Visit | undefined {
  const pv1 = group.pv1.segment;
  return compact({
    class: code(pv1, 2),
    location: readPl(fieldSlot(pv1, 3)),
    admissionType: code(pv1, 4),
    attendingDoctors: readRepetitions(pv1, 7, readXcn),
    referringDoctors: readRepetitions(pv1, 8, readXcn),
    hospitalService: code(pv1, 10),
    visitNumber: readCx(fieldSlot(pv1, 19)),
    admitTime: fields.time(group.pv1, 44),
    dischargeTime: fields.time(group.pv1, 45),
    admitReason: group.pv2 && readConcept(fieldSlot(group.pv2.segment, 3)),
  });
}

function readOrder(group: OrderObservationGroup, fields: FieldReader): Order {
  const obr = group.obr.segment;
  const orc = group.orc?.segment;
  const tq1 = group.timing[0]?.segment;
  const details = compact({
    setId: fields.integer(group.obr, 1),
    orderControl: orc && code(orc, 1),
    placerOrderNumber: readEi(fieldSlot(obr, 2)) ?? (orc && readEi(fieldSlot(orc, 2))),
    fillerOrderNumber: readEi(fieldSlot(obr, 3)) ?? (orc && readEi(fieldSlot(orc, 3))),
    placerGroupNumber: orc && readEi(fieldSlot(orc, 4)),
    orderStatus: orc && code(orc, 5),
    universalServiceId: readConcept(fieldSlot(obr, 4)),
    priority: (tq1 && code(tq1, 9)) ?? code(obr, 5) ?? (orc && present(orc.value(7, 1, 6))),
    observationTime: fields.time(group.obr, 7),
    observationEndTime: fields.time(group.obr, 8),
    specimenReceivedTime: fields.time(group.obr, 14),
    orderingProvider: readXcn(fieldSlot(obr, 16)) ?? (orc && readXcn(fieldSlot(orc, 12))),
    orderingFacility: orc && readXon(fieldSlot(orc, 21)),
    orderingFacilityAddress: orc && readXad(fieldSlot(orc, 22)),
    orderingFacilityPhone: orc && readXtn(fieldSlot(orc, 23)),
    resultsReportedTime: fields.time(group.obr, 22),
    diagnosticServiceSection: code(obr, 24),
    resultStatus: code(obr, 25),
    parentResult: compact({
      observationCode: readConcept(fieldSlot(obr, 26).component(1)),
      subId: fieldSlot(obr, 26).read(2),
      valueDescriptor: fieldSlot(obr, 26).read(3),
    }),
    parentOrder: compact({
      placerOrderNumber: readEi(fieldSlot(obr, 29).component(1)),
      fillerOrderNumber: readEi(fieldSlot(obr, 29).component(2)),
    }),
    reasonsForStudy: readRepetitions(obr, 31, readConcept),
    notes: readNotes(group.notes),
  });
  // Appended, not spread: spreading an object `compact` built takes V8's slow path.
  return Object.assign(details ?? {}, {
    observations: group.observations.map((observation) => readObservation(observation, fields)),
    specimens: group.specimens.map((specimen) => readSpecimen(specimen, fields)),
  });
}

function readObservation(group: ObservationGroup, fields: FieldReader): Observation {
  const obx = group.obx.segment;
  const values = readObservationValues(obx);
  const setId = fields.integer(group.obx, 1);
  const valueType = present(obx.value(2, 1, 1));
  const observationCode = readConcept(fieldSlot(obx, 3));
  const subId = present(obx.value(4));
  const units = readCoding(fieldSlot(obx, 6), 1);
  const referenceRange = readReferenceRange(obx);
  const abnormalFlags = readRepetitions(obx, 8, (slot) => slot.read(1));
  const status = code(obx, 11);
  const observedAt = fields.time(group.obx, 14);
  const producer = readConcept(fieldSlot(obx, 15));
  const responsibleObservers = readRepetitions(obx, 16, readXcn);
  const methods = readRepetitions(obx, 17, readConcept);
  const analyzedAt = fields.time(group.obx, 19);
  const performingLaboratory = compact({
    organization: readXon(fieldSlot(obx, 23)),
    address: readXad(fieldSlot(obx, 24)),
    director: readXcn(fieldSlot(obx, 25)),
  });
  const notes = readNotes(group.notes);

  // Set one by one rather than compacted from a literal: this runs for every OBX, where
  // compacting seventeen mostly-empty keys was measurably slower.
  const observation: Observation = {};
  if (setId !== undefined) observation.setId = setId;
  if (valueType !== undefined) observation.valueType = valueType;
  if (observationCode !== undefined) observation.code = observationCode;
  if (subId !== undefined) observation.subId = subId;
  if (values.length > 0) observation.value = values[0];
  if (values.length > 1) observation.additionalValues = values.slice(1);
  if (units !== undefined) observation.units = units;
  if (referenceRange !== undefined) observation.referenceRange = referenceRange;
  if (abnormalFlags !== undefined) observation.abnormalFlags = abnormalFlags;
  if (status !== undefined) observation.status = status;
  if (observedAt !== undefined) observation.observedAt = observedAt;
  if (producer !== undefined) observation.producer = producer;
  if (responsibleObservers !== undefined) observation.responsibleObservers = responsibleObservers;
  if (methods !== undefined) observation.methods = methods;
  if (analyzedAt !== undefined) observation.analyzedAt = analyzedAt;
  if (performingLaboratory !== undefined) observation.performingLaboratory = performingLaboratory;
  if (notes !== undefined) observation.notes = notes;
  return observation;
}

function readSpecimen(group: SpecimenGroup, fields: FieldReader): Specimen {
  const spm = group.spm.segment;
  const details = compact({
    setId: fields.integer(group.spm, 1),
    placerId: readEi(fieldSlot(spm, 2).component(1)),
    fillerId: readEi(fieldSlot(spm, 2).component(2)),
    type: readConcept(fieldSlot(spm, 4)),
    collectionMethod: readConcept(fieldSlot(spm, 7)),
    sourceSite: readConcept(fieldSlot(spm, 8)),
    roles: readRepetitions(spm, 11, readConcept),
    collectedAt: fields.time(group.spm, 17, 1),
    collectedUntil: fields.time(group.spm, 17, 2),
    receivedAt: fields.time(group.spm, 18),
    rejectReasons: readRepetitions(spm, 21, readConcept),
    conditions: readRepetitions(spm, 24, readConcept),
  });
  return Object.assign(details ?? {}, {
    observations: group.observations.map((observation) => readObservation(observation, fields)),
  });
}
