/**
 * The filter properties of a result message (DESIGN "Contracts"): facts about the order
 * that subscriptions select on, never about the patient.
 */
import type { Hl7Message, Observation, ResultDocument } from '@hl7gw/hl7-core';
import type { ResultProperties, ResultStatus } from '@hl7gw/platform';

/**
 * `resultStatus` from OBR-25 (table 0123) of the first order. F, C and X pass as they are;
 * Y and Z (no order, no patient on record) mean no results, as X does; every other status
 * (P, R, S, I, O, A, or none) is not final yet, and is filtered as preliminary.
 */
export function filterResultStatus(obr25: string | undefined): ResultStatus {
  switch (obr25?.trim().toUpperCase()) {
    case 'F':
      return 'F';
    case 'C':
      return 'C';
    case 'X':
    case 'Y':
    case 'Z':
      return 'X';
    default:
      return 'P';
  }
}

/** True when an observation carries an OBX-8 flag other than N (normal). */
export function isAbnormal(observation: Observation): boolean {
  return (observation.abnormalFlags ?? []).some((flag) => {
    const value = flag.trim().toUpperCase();
    return value !== '' && value !== 'N';
  });
}

/** Every observation of a document: those under each order and under each of its specimens. */
export function allObservations(document: ResultDocument): Observation[] {
  return document.orders.flatMap((order) => [
    ...order.observations,
    ...order.specimens.flatMap((specimen) => specimen.observations),
  ]);
}

/**
 * The filter properties of `document`. `sendingFacility` is the inbound message's property
 * (what ingest routed and authorised by); `receivingFacility` is MSH-6.1.
 */
export function resultProperties(
  message: Hl7Message,
  document: ResultDocument,
  sendingFacility: string,
): ResultProperties {
  const [first] = document.orders;
  return {
    messageType: message.messageType,
    sendingFacility,
    receivingFacility: message.header.value(6, 1, 1),
    resultStatus: filterResultStatus(first?.resultStatus),
    abnormal: allObservations(document).some(isAbnormal),
    priority: first?.priority ?? '',
  };
}
