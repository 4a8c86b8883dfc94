/**
 * Building an ORU^R01 message from a result document, laid out per the v2.5.1 ORU_R01
 * structure (chapter 7, section 7.3.1), every value escaped with the default delimiters.
 */
import {
  fieldSlot,
  writeConcept,
  writeCoding,
  writeCx,
  writeEi,
  writeHd,
  writePl,
  writeRepetitions,
  writeXad,
  writeXcn,
  writeXon,
  writeXpn,
  writeXtn,
} from './data-types.js';
import { isoToHl7DateTime } from './datetime.js';
import { DEFAULT_DELIMITERS } from './delimiters.js';
import { Hl7MappingError } from './mapping-error.js';
import { Hl7Message } from './message.js';
import { valueTypeOf, writeObservationValues } from './observation-value.js';
import { parsePath } from './path.js';
import type {
  Contact,
  MappingIssue,
  Note,
  Observation,
  Order,
  Patient,
  ResultDocument,
  Specimen,
  Visit,
} from './result-document.js';
import { headerPrefix, type Hl7Segment } from './segment.js';

/**
 * Builds an ORU^R01 (MSH-9 `ORU^R01^ORU_R01`, MSH-18 `UNICODE UTF-8`) holding `document`:
 * MSH, PID with its NTE and NK1, PV1 and PV2, then per order ORC (when the document has
 * ORC-only data), OBR, NTE, TQ1 (for a priority), OBX with NTE, SPM with OBX.
 * MSH-12 is `source.version`, or `2.5.1` when absent. Values listed in `issues` are written
 * back at their locations as sent. For a document `toResult` made,
 * `toResult(parse(fromResult(doc).toString()))` equals `doc`.
 * @throws Hl7MappingError `INVALID_DOCUMENT` when a time is not ISO 8601 or an issue's
 *   location is not an HL7 location; `location` names the document path.
 */
export function fromResult(document: ResultDocument): Hl7Message {
  const message = new Hl7Message(
    [headerPrefix('MSH', DEFAULT_DELIMITERS)],
    DEFAULT_DELIMITERS,
    'utf-8',
  );

  writeHeader(message.header, document);
  writePatient(message, document.patient);
  if (document.visit !== undefined) writeVisit(message, document.visit);
  document.orders.forEach((order, i) => writeOrder(message, order, `orders[${i}]`));
  document.issues?.forEach((issue, i) => writeIssue(message, issue, `issues[${i}]`));
  return message;
}

/** Writes an ISO 8601 time at `path` of `segment` as an HL7 DTM. */
function writeTime(segment: Hl7Segment, path: string, iso: string | undefined, at: string): void {
  if (iso === undefined) return;
  const hl7 = isoToHl7DateTime(iso);
  if (hl7 === undefined) {
    throw new Hl7MappingError('INVALID_DOCUMENT', `${at} is not an ISO 8601 date-time`, at);
  }
  segment.set(path, hl7);
}

function writeText(segment: Hl7Segment, path: string, value: string | number | undefined): void {
  if (value !== undefined && value !== '') segment.set(path, String(value));
}

function writeHeader(msh: Hl7Segment, document: ResultDocument): void {
  const source = document.source;
  writeHd(fieldSlot(msh, 3), source.sendingApplication);
  writeHd(fieldSlot(msh, 4), source.sendingFacility);
  writeHd(fieldSlot(msh, 5), source.receivingApplication);
  writeHd(fieldSlot(msh, 6), source.receivingFacility);
  writeTime(msh, '7', source.messageTime, 'source.messageTime');
  msh.set('9.1', 'ORU');
  msh.set('9.2', 'R01');
  msh.set('9.3', 'ORU_R01');
  writeText(msh, '10', source.controlId);
  writeText(msh, '11', source.processingId);
  writeText(msh, '12', source.version ?? '2.5.1');
  msh.set('18', 'UNICODE UTF-8');
  writeRepetitions(msh, 21, source.profiles, writeEi);
}

function writePatient(message: Hl7Message, patient: Patient): void {
  const pid = message.appendSegment('PID');
  pid.set('1', '1');
  writeRepetitions(pid, 3, patient.identifiers, writeCx);
  writeRepetitions(pid, 5, patient.names, writeXpn);
  writeRepetitions(pid, 6, patient.mothersMaidenNames, writeXpn);
  writeTime(pid, '7', patient.birthDate, 'patient.birthDate');
  writeText(pid, '8', patient.sex);
  writeRepetitions(pid, 10, patient.races, writeConcept);
  writeRepetitions(pid, 11, patient.addresses, writeXad);
  writeRepetitions(pid, 13, patient.phones, writeXtn);
  writeRepetitions(pid, 14, patient.businessPhones, writeXtn);
  writeCx(fieldSlot(pid, 18), patient.accountNumber);
  writeRepetitions(pid, 22, patient.ethnicGroups, writeConcept);
  writeText(pid, '24', patient.multipleBirthIndicator);
  writeText(pid, '25', patient.birthOrder);
  writeTime(pid, '29', patient.deathTime, 'patient.deathTime');
  writeText(pid, '30', patient.deathIndicator);

  writeNotes(message, patient.notes);
  patient.contacts?.forEach((contact, i) => writeContact(message, contact, i + 1));
}

function writeContact(message: Hl7Message, contact: Contact, setId: number): void {
  const nk1 = message.appendSegment('NK1');
  nk1.set('1', String(setId));
  writeRepetitions(nk1, 2, contact.names, writeXpn);
  writeConcept(fieldSlot(nk1, 3), contact.relationship);
  writeRepetitions(nk1, 4, contact.addresses, writeXad);
  writeRepetitions(nk1, 5, contact.phones, writeXtn);
  writeRepetitions(nk1, 6, contact.businessPhones, writeXtn);
  writeConcept(fieldSlot(nk1, 7), contact.role);
}

function writeNotes(message: Hl7Message, notes: readonly Note[] | undefined): void {
  notes?.forEach((note, i) => {
    const nte = message.appendSegment('NTE');
    nte.set('1', String(i + 1));
    writeText(nte, '2', note.source);
    writeText(nte, '3', note.text);
    writeConcept(fieldSlot(nte, 4), note.type);
  });
}

function writeVisit(message: Hl7Message, visit: Visit): void {
  const pv1 = message.appendSegment('PV1');
  pv1.set('1', '1');
  writeText(pv1, '2', visit.class);
  writePl(fieldSlot(pv1, 3), visit.location);
  writeText(pv1, '4', visit.admissionType);
  writeRepetitions(pv1, 7, visit.attendingDoctors, writeXcn);
  writeRepetitions(pv1, 8, visit.referringDoctors, writeXcn);
  writeText(pv1, '10', visit.hospitalService);
  writeCx(fieldSlot(pv1, 19), visit.visitNumber);
  writeTime(pv1, '44', visit.admitTime, 'visit.admitTime');
  writeTime(pv1, '45', visit.dischargeTime, 'visit.dischargeTime');

  if (visit.admitReason === undefined) return;
  const pv2 = message.appendSegment('PV2');
  writeConcept(fieldSlot(pv2, 3), visit.admitReason);
}

function hasOrcData(order: Order): boolean {
  return (
    order.orderControl !== undefined ||
    order.placerGroupNumber !== undefined ||
    order.orderStatus !== undefined ||
    order.orderingFacility !== undefined ||
    order.orderingFacilityAddress !== undefined ||
    order.orderingFacilityPhone !== undefined
  );
}

function writeOrder(message: Hl7Message, order: Order, at: string): void {
  if (hasOrcData(order)) {
    const orc = message.appendSegment('ORC');
    writeText(orc, '1', order.orderControl);
    writeEi(fieldSlot(orc, 2), order.placerOrderNumber);
    writeEi(fieldSlot(orc, 3), order.fillerOrderNumber);
    writeEi(fieldSlot(orc, 4), order.placerGroupNumber);
    writeText(orc, '5', order.orderStatus);
    writeXcn(fieldSlot(orc, 12), order.orderingProvider);
    writeXon(fieldSlot(orc, 21), order.orderingFacility);
    writeXad(fieldSlot(orc, 22), order.orderingFacilityAddress);
    writeXtn(fieldSlot(orc, 23), order.orderingFacilityPhone);
  }

  const obr = message.appendSegment('OBR');
  writeText(obr, '1', order.setId);
  writeEi(fieldSlot(obr, 2), order.placerOrderNumber);
  writeEi(fieldSlot(obr, 3), order.fillerOrderNumber);
  writeConcept(fieldSlot(obr, 4), order.universalServiceId);
  writeTime(obr, '7', order.observationTime, `${at}.observationTime`);
  writeTime(obr, '8', order.observationEndTime, `${at}.observationEndTime`);
  writeTime(obr, '14', order.specimenReceivedTime, `${at}.specimenReceivedTime`);
  writeXcn(fieldSlot(obr, 16), order.orderingProvider);
  writeTime(obr, '22', order.resultsReportedTime, `${at}.resultsReportedTime`);
  writeText(obr, '24', order.diagnosticServiceSection);
  writeText(obr, '25', order.resultStatus);
  writeConcept(fieldSlot(obr, 26).component(1), order.parentResult?.observationCode);
  fieldSlot(obr, 26).write(2, order.parentResult?.subId);
  fieldSlot(obr, 26).write(3, order.parentResult?.valueDescriptor);
  writeEi(fieldSlot(obr, 29).component(1), order.parentOrder?.placerOrderNumber);
  writeEi(fieldSlot(obr, 29).component(2), order.parentOrder?.fillerOrderNumber);
  writeRepetitions(obr, 31, order.reasonsForStudy, writeConcept);
  writeNotes(message, order.notes);

  if (order.priority !== undefined) {
    const tq1 = message.appendSegment('TQ1');
    tq1.set('1', '1');
    tq1.set('9.1', order.priority);
  }
  order.observations.forEach((observation, i) =>
    writeObservation(message, observation, `${at}.observations[${i}]`),
  );
  order.specimens.forEach((specimen, i) =>
    writeSpecimen(message, specimen, `${at}.specimens[${i}]`),
  );
}

function writeObservation(message: Hl7Message, observation: Observation, at: string): void {
  const obx = message.appendSegment('OBX');
  const values = observation.value === undefined ? [] : [observation.value];
  values.push(...(observation.additionalValues ?? []));

  writeText(obx, '1', observation.setId);
  writeText(obx, '2', observation.valueType ?? (values[0] && valueTypeOf(values[0])));
  writeConcept(fieldSlot(obx, 3), observation.code);
  writeText(obx, '4', observation.subId);
  writeObservationValues(obx, values, `${at}.value`);
  writeCoding(fieldSlot(obx, 6), 1, observation.units);
  writeText(obx, '7', observation.referenceRange?.text);
  observation.abnormalFlags?.forEach((flag, i) => writeText(obx, `8[${i + 1}]`, flag));
  writeText(obx, '11', observation.status);
  writeTime(obx, '14', observation.observedAt, `${at}.observedAt`);
  writeConcept(fieldSlot(obx, 15), observation.producer);
  writeRepetitions(obx, 16, observation.responsibleObservers, writeXcn);
  writeRepetitions(obx, 17, observation.methods, writeConcept);
  writeTime(obx, '19', observation.analyzedAt, `${at}.analyzedAt`);
  writeXon(fieldSlot(obx, 23), observation.performingLaboratory?.organization);
  writeXad(fieldSlot(obx, 24), observation.performingLaboratory?.address);
  writeXcn(fieldSlot(obx, 25), observation.performingLaboratory?.director);
  writeNotes(message, observation.notes);
}

function writeSpecimen(message: Hl7Message, specimen: Specimen, at: string): void {
  const spm = message.appendSegment('SPM');
  writeText(spm, '1', specimen.setId);
  writeEi(fieldSlot(spm, 2).component(1), specimen.placerId);
  writeEi(fieldSlot(spm, 2).component(2), specimen.fillerId);
  writeConcept(fieldSlot(spm, 4), specimen.type);
  writeConcept(fieldSlot(spm, 7), specimen.collectionMethod);
  writeConcept(fieldSlot(spm, 8), specimen.sourceSite);
  writeRepetitions(spm, 11, specimen.roles, writeConcept);
  writeTime(spm, '17.1.1', specimen.collectedAt, `${at}.collectedAt`);
  writeTime(spm, '17.2.1', specimen.collectedUntil, `${at}.collectedUntil`);
  writeTime(spm, '18', specimen.receivedAt, `${at}.receivedAt`);
  writeRepetitions(spm, 21, specimen.rejectReasons, writeConcept);
  writeRepetitions(spm, 24, specimen.conditions, writeConcept);

  specimen.observations.forEach((observation, i) =>
    writeObservation(message, observation, `${at}.observations[${i}]`),
  );
}

/** Puts a value that `toResult` could not type back where it was, as it was sent. */
function writeIssue(message: Hl7Message, issue: MappingIssue, at: string): void {
  let path;
  try {
    path = parsePath(issue.location);
  } catch {
    throw new Hl7MappingError('INVALID_DOCUMENT', `${at}.location is not an HL7 location`, at);
  }

  const segment = path.segment === '' ? undefined : message.segment(path.segment, path.occurrence);
  if (segment === undefined || (path.segment === 'MSH' && path.field <= 2)) {
    throw new Hl7MappingError('INVALID_DOCUMENT', `${at}.location names no writable field`, at);
  }

  const component = path.component > 0 ? `.${path.component}` : '';
  segment.set(`${path.field}${component}`, issue.text);
}
