/**
 * One ORDER_OBSERVATION group as FHIR R4 resources, following the HL7 Version 2 to FHIR guide's
 * ORU_R01 message map: ORC/OBR → ServiceRequest, OBR → DiagnosticReport, SPM → Specimen, and
 * each OBX → Observation (see `fhir-observation.ts`).
 */
import type * as fhir4 from 'fhir/r4.js';

import { entityKey, type FhirMappingContext } from './fhir-context.js';
import {
  annotations,
  codeableConcept,
  defined,
  nonEmpty,
  requiredConcept,
} from './fhir-datatypes.js';
import { fhirDateTime, fhirInstant } from './fhir-datetime.js';
import type { KeyIdentifier } from './fhir-identity.js';
import { addObservation, type MappedObservation } from './fhir-observation.js';
import { addPractitioner } from './fhir-patient.js';
import {
  priorityOf,
  reportStatusOf,
  serviceRequestStatusOf,
  v2TableSystem,
} from './fhir-terminology.js';
import type { EntityIdentifier, Order, Specimen } from './result-document.js';

/**
 * Adds the resources of one order: the ordering Practitioner (when OBR-16 or ORC-12 has an
 * identifier), the ServiceRequest, a Specimen per SPM, an Observation per OBX and the
 * DiagnosticReport that gathers them.
 *
 * ServiceRequest and DiagnosticReport are keyed on the filler order number (else the placer
 * order number, else the message and OBR-1) extended with the OBR-4 code, because senders
 * often give every OBR of one accession the same filler number; they also carry the filler
 * and placer numbers as identifiers typed `FILL` and `PLAC` (table 0203). A Specimen is keyed
 * on SPM-2 when it has one, so orders that share a specimen share its resource.
 * `index` is the order's 0-based place in the document.
 */
export function addOrder(
  context: FhirMappingContext,
  order: Order,
  index: number,
  subject: fhir4.Reference,
): void {
  const orderKey = context.entries.unique('ServiceRequest', keyOf(context, order, index));
  const business = nonEmpty([
    orderIdentifier(context, order.placerOrderNumber, 'PLAC'),
    orderIdentifier(context, order.fillerOrderNumber, 'FILL'),
  ]);
  const identifier = [...(business ?? []), orderKey];
  const requester = addPractitioner(context, order.orderingProvider);

  const basedOn = context.entries.add(
    defined({
      resourceType: 'ServiceRequest' as const,
      identifier,
      status: serviceRequestStatusOf(order.orderStatus, order.resultStatus),
      intent: 'order' as const,
      priority: order.priority === undefined ? undefined : priorityOf(order.priority),
      code: codeableConcept(order.universalServiceId),
      subject,
      requester,
      reasonCode: nonEmpty(order.reasonsForStudy?.map(codeableConcept)),
      note: annotations(order.notes),
    }),
    orderKey,
  );

  const specimens = order.specimens.map((specimen, i) =>
    addSpecimen(context, specimen, keyOfSpecimen(context, specimen, orderKey, i), subject, basedOn),
  );
  // Written out for each observation rather than spread from a shared object: spreading cost
  // more than the rest of the Observation's setting.
  const setting = (position: string, specimen: fhir4.Reference | undefined) => ({
    orderKey,
    subject,
    basedOn,
    orderObservedAt: order.observationTime,
    reportedAt: order.resultsReportedTime,
    position,
    specimen,
  });
  const observations: MappedObservation[] = order.observations.map((observation, i) =>
    addObservation(
      context,
      observation,
      // Observations outside an SPM group are on the order's specimen when it has just one.
      setting(
        `OBX-${observation.setId ?? i + 1}`,
        specimens.length === 1 ? specimens[0] : undefined,
      ),
    ),
  );
  order.specimens.forEach((specimen, s) => {
    for (const [i, observation] of specimen.observations.entries()) {
      const position = `SPM-${specimen.setId ?? s + 1}/OBX-${observation.setId ?? i + 1}`;
      observations.push(addObservation(context, observation, setting(position, specimens[s])));
    }
  });

  context.entries.add(
    defined({
      resourceType: 'DiagnosticReport' as const,
      identifier,
      basedOn: [basedOn],
      status: reportStatusOf(order.resultStatus),
      category: nonEmpty([laboratoryCategory('LAB'), sectionCategory(order)]),
      code: requiredConcept(order.universalServiceId),
      subject,
      ...effective(context, order),
      issued: order.resultsReportedTime && fhirInstant(order.resultsReportedTime, context.timeZone),
      specimen: nonEmpty(specimens),
      result: nonEmpty(observations.map((observation) => observation.reference)),
      presentedForm: nonEmpty(observations.flatMap((observation) => observation.attachments)),
    }),
    orderKey,
  );
}

function keyOf(context: FhirMappingContext, order: Order, index: number): KeyIdentifier {
  const number =
    entityKey(context, order.fillerOrderNumber) ?? entityKey(context, order.placerOrderNumber);
  const service = order.universalServiceId?.codings[0]?.code ?? order.universalServiceId?.text;
  if (number === undefined) {
    const { system, value } = context.messageKey;
    return { system, value: `${value}/OBR-${order.setId ?? index + 1}` };
  }
  return service === undefined
    ? number
    : { system: number.system, value: `${number.value}/${service}` };
}

function keyOfSpecimen(
  context: FhirMappingContext,
  specimen: Specimen,
  orderKey: KeyIdentifier,
  index: number,
): KeyIdentifier {
  const own = entityKey(context, specimen.fillerId) ?? entityKey(context, specimen.placerId);
  if (own !== undefined) return own;
  return context.entries.unique('Specimen', {
    system: orderKey.system,
    value: `${orderKey.value}/SPM-${specimen.setId ?? index + 1}`,
  });
}

function orderIdentifier(
  context: FhirMappingContext,
  ei: EntityIdentifier | undefined,
  type: 'PLAC' | 'FILL',
): fhir4.Identifier | undefined {
  const key = entityKey(context, ei);
  if (key === undefined) return undefined;
  return { type: { coding: [{ system: v2TableSystem('0203'), code: type }] }, ...key };
}

/**
 * SPM as a Specimen: SPM-2 as identifier (the filler's id also as the accession identifier),
 * SPM-4 type, SPM-17 collection time or period, SPM-7 method, SPM-8 body site, SPM-18
 * received time, SPM-24 conditions; `unsatisfactory` when SPM-21 gives reject reasons.
 */
function addSpecimen(
  context: FhirMappingContext,
  specimen: Specimen,
  key: KeyIdentifier,
  subject: fhir4.Reference,
  request: fhir4.Reference,
): fhir4.Reference {
  const placer = entityKey(context, specimen.placerId);
  const filler = entityKey(context, specimen.fillerId);
  const start = specimen.collectedAt && fhirDateTime(specimen.collectedAt, context.timeZone);
  const end = specimen.collectedUntil && fhirDateTime(specimen.collectedUntil, context.timeZone);
  const collection = defined({
    collectedDateTime: end ? undefined : start,
    collectedPeriod: end ? defined({ start, end }) : undefined,
    method: codeableConcept(specimen.collectionMethod),
    bodySite: codeableConcept(specimen.sourceSite),
  });

  const resource: fhir4.Specimen = defined({
    resourceType: 'Specimen' as const,
    identifier: nonEmpty([placer, filler]) ?? [key],
    accessionIdentifier: filler,
    status: specimen.rejectReasons === undefined ? undefined : ('unsatisfactory' as const),
    type: codeableConcept(specimen.type),
    subject,
    receivedTime: specimen.receivedAt && fhirDateTime(specimen.receivedAt, context.timeZone),
    request: [request],
    collection: Object.keys(collection).length === 0 ? undefined : collection,
    condition: nonEmpty(specimen.conditions?.map(codeableConcept)),
  });
  return context.entries.add(resource, key);
}

function laboratoryCategory(code: string): fhir4.CodeableConcept {
  return { coding: [{ system: v2TableSystem('0074'), code }] };
}

/** OBR-24, the diagnostic service section (table 0074), as a second category. */
function sectionCategory(order: Order): fhir4.CodeableConcept | undefined {
  const section = order.diagnosticServiceSection;
  return section === undefined || section === 'LAB' ? undefined : laboratoryCategory(section);
}

/** OBR-7 as effectiveDateTime, or with OBR-8 as effectivePeriod. */
function effective(context: FhirMappingContext, order: Order): Partial<fhir4.DiagnosticReport> {
  const start = order.observationTime && fhirDateTime(order.observationTime, context.timeZone);
  const end = order.observationEndTime && fhirDateTime(order.observationEndTime, context.timeZone);
  if (end) return { effectivePeriod: defined({ start, end }) };
  return start ? { effectiveDateTime: start } : {};
}
