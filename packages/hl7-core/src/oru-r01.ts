/**
 * A typed view of an ORU^R01 message along the v2.5.1 abstract message structure ORU_R01
 * (chapter 7, section 7.3.1): patient, visit, and order-observation groups with their
 * observations, notes and specimens. The view holds segments, not copies of their values.
 */
import type { Hl7Message } from './message.js';
import type { Hl7Segment } from './segment.js';

/** A segment and its occurrence among same-named segments, for locations like `OBX[13]-5`. */
export interface SegmentRef {
  /** The segment itself. */
  readonly segment: Hl7Segment;
  /** 1-based position among the message's segments of the same name. */
  readonly occurrence: number;
}

/** The PATIENT group: PID with its PD1, NTE and NK1 segments. */
export interface PatientGroup {
  /** PID, patient identification. */
  readonly pid: SegmentRef;
  /** PD1, additional demographics, when present. */
  readonly pd1: SegmentRef | undefined;
  /** NTE segments after the PID. */
  readonly notes: SegmentRef[];
  /** NK1 segments: next of kin and associated parties. */
  readonly nextOfKin: SegmentRef[];
}

/** The VISIT group: PV1 with its optional PV2. */
export interface VisitGroup {
  /** PV1, patient visit. */
  readonly pv1: SegmentRef;
  /** PV2, additional visit information, when present. */
  readonly pv2: SegmentRef | undefined;
}

/** The OBSERVATION group: one OBX and the NTE segments after it. */
export interface ObservationGroup {
  /** OBX, the observation. */
  readonly obx: SegmentRef;
  /** NTE segments after the OBX. */
  readonly notes: SegmentRef[];
}

/** The SPECIMEN group: one SPM and the OBX segments (with their notes) after it. */
export interface SpecimenGroup {
  /** SPM, the specimen. */
  readonly spm: SegmentRef;
  /** Observations about the specimen itself. */
  readonly observations: ObservationGroup[];
}

/** The ORDER_OBSERVATION group: an optional ORC, the OBR, and what follows the OBR. */
export interface OrderObservationGroup {
  /** ORC, common order, when one precedes the OBR. */
  readonly orc: SegmentRef | undefined;
  /** OBR, observation request. */
  readonly obr: SegmentRef;
  /** NTE segments after the OBR. */
  readonly notes: SegmentRef[];
  /** TQ1 segments (timing and priority) after the OBR. */
  readonly timing: SegmentRef[];
  /** OBSERVATION groups, in message order. */
  readonly observations: ObservationGroup[];
  /** SPECIMEN groups, in message order. */
  readonly specimens: SpecimenGroup[];
}

/** The PATIENT_RESULT group: one patient (optional in the standard) and its orders. */
export interface PatientResultGroup {
  /** The PATIENT group, absent when the group has no PID. */
  readonly patient: PatientGroup | undefined;
  /** The VISIT group, when a PV1 is present. */
  readonly visit: VisitGroup | undefined;
  /** ORDER_OBSERVATION groups, in message order. */
  readonly orders: OrderObservationGroup[];
}

/** An ORU^R01 message seen through its v2.5.1 structure. */
export interface OruR01 extends PatientResultGroup {
  /** MSH, the message header. */
  readonly header: SegmentRef;
  /** SFT segments, software identification. */
  readonly software: SegmentRef[];
  /**
   * Every PATIENT_RESULT group; the first is also spread on this object (`patient`, `visit`,
   * `orders`). A message about one patient has exactly one.
   */
  readonly patientResults: PatientResultGroup[];
  /**
   * Segments with no place in the view: Z and other unknown segments, segments of the
   * structure this view does not model (CTD, FT1, CTI, TQ2, DSC), and known segments met
   * where nothing can hold them (an OBX before any OBR, a second PV1).
   */
  readonly skipped: SegmentRef[];
}

interface MutablePatientResult {
  patient: PatientGroup | undefined;
  visit: VisitGroup | undefined;
  orders: OrderObservationGroup[];
}

type Context = 'none' | 'patient' | 'visit' | 'order' | 'observation' | 'specimen';

/**
 * Reads `message` as an ORU^R01 (v2.5.1 section 7.3.1). The reading is lenient: each
 * segment joins the group it can belong to given what came before it, so a PD1 after an
 * NK1 or a TQ1 after the OBX still land in place; an ORC or OBR starts a new order group
 * and a PID a new patient result; what has no place is listed in `skipped`.
 * It does not check MSH-9: callers decide whether the message is an ORU^R01.
 * Throws nothing.
 */
export function readOruR01(message: Hl7Message): OruR01 {
  const counts = new Map<string, number>();
  const software: SegmentRef[] = [];
  const skipped: SegmentRef[] = [];
  const results: MutablePatientResult[] = [];
  let header: SegmentRef | undefined;
  let current: MutablePatientResult = { patient: undefined, visit: undefined, orders: [] };
  let pendingOrc: SegmentRef | undefined;
  let context: Context = 'none';
  results.push(current);

  for (const segment of message.segments()) {
    const occurrence = (counts.get(segment.name) ?? 0) + 1;
    counts.set(segment.name, occurrence);
    const ref: SegmentRef = { segment, occurrence };
    const orders = current.orders;
    const order = orders.length > 0 ? orders[orders.length - 1] : undefined;
    const specimens = context === 'specimen' ? order?.specimens : undefined;
    const specimen = specimens === undefined ? undefined : specimens[specimens.length - 1];
    let placed = true;

    switch (segment.name) {
      case 'MSH':
        if (header === undefined) header = ref;
        else placed = false;
        break;
      case 'SFT':
        software.push(ref);
        break;
      case 'PID':
        if (current.patient !== undefined || current.orders.length > 0) {
          current = { patient: undefined, visit: undefined, orders: [] };
          results.push(current);
        }
        current.patient = { pid: ref, pd1: undefined, notes: [], nextOfKin: [] };
        context = 'patient';
        break;
      case 'PD1':
        if (current.patient !== undefined && current.patient.pd1 === undefined) {
          current.patient = { ...current.patient, pd1: ref };
        } else placed = false;
        break;
      case 'NK1':
        if (current.patient !== undefined) current.patient.nextOfKin.push(ref);
        else placed = false;
        break;
      case 'PV1':
        if (current.visit === undefined) {
          current.visit = { pv1: ref, pv2: undefined };
          context = 'visit';
        } else placed = false;
        break;
      case 'PV2':
        if (current.visit !== undefined && current.visit.pv2 === undefined) {
          current.visit = { ...current.visit, pv2: ref };
        } else placed = false;
        break;
      case 'ORC':
        if (pendingOrc !== undefined) skipped.push(pendingOrc);
        pendingOrc = ref;
        break;
      case 'OBR':
        current.orders.push({
          orc: pendingOrc,
          obr: ref,
          notes: [],
          timing: [],
          observations: [],
          specimens: [],
        });
        pendingOrc = undefined;
        context = 'order';
        break;
      case 'TQ1':
        if (order !== undefined) order.timing.push(ref);
        else placed = false;
        break;
      case 'NTE':
        placed = placeNote(ref, context, current, order, specimen);
        break;
      case 'OBX':
        if (specimen !== undefined) specimen.observations.push({ obx: ref, notes: [] });
        else if (order !== undefined) {
          order.observations.push({ obx: ref, notes: [] });
          context = 'observation';
        } else placed = false;
        break;
      case 'SPM':
        if (order !== undefined) {
          order.specimens.push({ spm: ref, observations: [] });
          context = 'specimen';
        } else placed = false;
        break;
      default:
        placed = false;
    }
    if (!placed) skipped.push(ref);
  }
  if (pendingOrc !== undefined) skipped.push(pendingOrc);

  const first = results[0] as MutablePatientResult;
  return {
    header: header ?? { segment: message.header, occurrence: 1 },
    software,
    patient: first.patient,
    visit: first.visit,
    orders: first.orders,
    patientResults: results,
    skipped,
  };
}

function placeNote(
  ref: SegmentRef,
  context: Context,
  current: MutablePatientResult,
  order: OrderObservationGroup | undefined,
  specimen: SpecimenGroup | undefined,
): boolean {
  if (context === 'patient' && current.patient !== undefined) {
    current.patient.notes.push(ref);
    return true;
  }
  if (context === 'order' && order !== undefined) {
    order.notes.push(ref);
    return true;
  }
  if (context === 'observation' && order !== undefined) {
    const observation = order.observations.at(-1);
    if (observation === undefined) return false;
    observation.notes.push(ref);
    return true;
  }
  const specimenObservation = specimen?.observations.at(-1);
  if (context === 'specimen' && specimenObservation !== undefined) {
    specimenObservation.notes.push(ref);
    return true;
  }
  return false;
}
