/**
 * The ORU^R01 message structure (v2.5.1 section 7.3.1, ORU_R01), checked segment by segment:
 *
 * ```
 * MSH [{SFT}]
 * { PID [PD1] [{NTE}] [{NK1}] [PV1 [PV2]]
 *   { [ORC] OBR [{NTE}] [{TQ1 [{TQ2}]}] [CTD]
 *     [{OBX [{NTE}]}] [{FT1}] [{CTI}] [{SPM [{OBX}]}] } }
 * [DSC]
 * ```
 *
 * The standard makes the patient group optional; the gateway requires it, because a result
 * without its patient cannot be routed or filed. Z-segments may stand anywhere after MSH.
 */
import type { Findings } from './findings.js';
import type { Hl7Message } from './message.js';
import { formatLocation } from './path.js';
import type { Hl7Segment } from './segment.js';

type State =
  | 'header'
  | 'sft'
  | 'pid'
  | 'pd1'
  | 'pidNte'
  | 'nk1'
  | 'pv1'
  | 'pv2'
  | 'orc'
  | 'obr'
  | 'obrNte'
  | 'tq1'
  | 'tq2'
  | 'ctd'
  | 'obx'
  | 'obxNte'
  | 'ft1'
  | 'cti'
  | 'spm'
  | 'spmObx'
  | 'dsc';

const PATIENT: readonly State[] = ['pid', 'pd1', 'pidNte', 'nk1', 'pv1', 'pv2'];
const BEFORE_OBSERVATIONS: readonly State[] = ['obr', 'obrNte', 'tq1', 'tq2', 'ctd'];
const OBSERVATIONS: readonly State[] = [...BEFORE_OBSERVATIONS, 'obx', 'obxNte'];
const BEFORE_SPECIMENS: readonly State[] = [...OBSERVATIONS, 'ft1', 'cti'];
const ORDER: readonly State[] = [...BEFORE_SPECIMENS, 'spm', 'spmObx'];

/** Segments of the structure, so anything else is reported as unexpected rather than misplaced. */
const STRUCTURE_SEGMENTS: ReadonlySet<string> = new Set([
  ...['MSH', 'SFT', 'PID', 'PD1', 'NTE', 'NK1', 'PV1', 'PV2', 'ORC', 'OBR'],
  ...['TQ1', 'TQ2', 'CTD', 'OBX', 'FT1', 'CTI', 'SPM', 'DSC'],
]);

/** The states a segment may follow, built once: `next` runs for every segment of a message. */
const states = (...list: readonly State[]): ReadonlySet<State> => new Set(list);
const BEFORE_PATIENT = states('header', 'sft');
const AFTER_PID = states('pid', 'pd1', 'pidNte');
const BEFORE_NK1 = states('pid', 'pd1', 'pidNte', 'nk1');
const AFTER_OBR = states('obr', 'obrNte');
const AFTER_OBX = states('obx', 'obxNte');
const BEFORE_TQ1 = states('obr', 'obrNte', 'tq1', 'tq2');
const BEFORE_PID = states('header', 'sft', ...PATIENT, ...ORDER);
const BEFORE_ORC = states(...PATIENT, ...ORDER);
const BEFORE_OBR = states('orc', ...PATIENT, ...ORDER);
const IN_OBSERVATIONS = states(...OBSERVATIONS);
const IN_SPECIMEN = states('spm', 'spmObx');
const BEFORE_FT1 = states(...OBSERVATIONS, 'ft1');
const BEFORE_CTI = states(...OBSERVATIONS, 'ft1', 'cti');
const IN_ORDER = states(...ORDER);

/** The state after `name` in `state`, or undefined when the structure does not allow it there. */
function next(state: State, name: string): State | undefined {
  switch (name) {
    case 'SFT':
      return BEFORE_PATIENT.has(state) ? 'sft' : undefined;
    case 'PID':
      return BEFORE_PID.has(state) ? 'pid' : undefined;
    case 'PD1':
      return state === 'pid' ? 'pd1' : undefined;
    case 'NTE':
      if (AFTER_PID.has(state)) return 'pidNte';
      if (AFTER_OBR.has(state)) return 'obrNte';
      return AFTER_OBX.has(state) ? 'obxNte' : undefined;
    case 'NK1':
      return BEFORE_NK1.has(state) ? 'nk1' : undefined;
    case 'PV1':
      return BEFORE_NK1.has(state) ? 'pv1' : undefined;
    case 'PV2':
      return state === 'pv1' ? 'pv2' : undefined;
    case 'ORC':
      return BEFORE_ORC.has(state) ? 'orc' : undefined;
    case 'OBR':
      return BEFORE_OBR.has(state) ? 'obr' : undefined;
    case 'TQ1':
      return BEFORE_TQ1.has(state) ? 'tq1' : undefined;
    case 'TQ2':
      return state === 'tq1' || state === 'tq2' ? 'tq2' : undefined;
    case 'CTD':
      return BEFORE_TQ1.has(state) ? 'ctd' : undefined;
    case 'OBX':
      if (IN_OBSERVATIONS.has(state)) return 'obx';
      return IN_SPECIMEN.has(state) ? 'spmObx' : undefined;
    case 'FT1':
      return BEFORE_FT1.has(state) ? 'ft1' : undefined;
    case 'CTI':
      return BEFORE_CTI.has(state) ? 'cti' : undefined;
    case 'SPM':
      return IN_ORDER.has(state) ? 'spm' : undefined;
    case 'DSC':
      return IN_ORDER.has(state) ? 'dsc' : undefined;
    default:
      return undefined;
  }
}

/**
 * Checks the segments of an ORU^R01 message against the v2.5.1 structure and records
 * `REQUIRED_SEGMENT_MISSING` (PID, OBR), `SEGMENT_OUT_OF_ORDER` and `UNEXPECTED_SEGMENT`.
 * A misplaced segment leaves the reading position where it was, so one stray segment
 * yields one finding.
 */
export function checkOruR01Structure(message: Hl7Message, findings: Findings): void {
  let state: State = 'header';
  let sawObr = false;
  let patients = 0;
  let patientHasOrder = false;
  let missingPidReported = false;

  const missingOrder = (): void => {
    const at = formatLocation('PID', patients);
    findings.add('REQUIRED_SEGMENT_MISSING', 'OBR', `The patient result at ${at} has no OBR.`);
  };

  const segments = message.segments();
  // Counted only for a finding: most segments of most messages are in place.
  let occurrences: number[] | undefined;
  const locationOf = (index: number): string => {
    occurrences ??= occurrencesOf(segments);
    return formatLocation((segments[index] as Hl7Segment).name, occurrences[index] as number);
  };

  for (let i = 1; i < segments.length; i++) {
    const name = (segments[i] as Hl7Segment).name;
    if (name === 'OBR') sawObr = true;
    if (name.startsWith('Z')) continue;
    const location = (): string => locationOf(i);
    if (!STRUCTURE_SEGMENTS.has(name)) {
      const at = location();
      findings.add('UNEXPECTED_SEGMENT', at, `${at} is not part of ORU^R01.`);
      continue;
    }

    let after = next(state, name);
    if (after === undefined && (name === 'ORC' || name === 'OBR') && BEFORE_PATIENT.has(state)) {
      // An order with no patient before it: report the patient once, then read on as if present.
      if (!missingPidReported) {
        findings.add('REQUIRED_SEGMENT_MISSING', 'PID', `ORU^R01 has no PID before ${location()}.`);
        missingPidReported = true;
      }
      after = name === 'ORC' ? 'orc' : 'obr';
    }
    if (after === undefined) {
      const at = location();
      findings.add('SEGMENT_OUT_OF_ORDER', at, `${at} is out of order for ORU^R01.`);
      continue;
    }

    if (name === 'PID') {
      if (patients > 0 && !patientHasOrder) missingOrder();
      patients++;
      patientHasOrder = false;
    }
    if (name === 'OBR') patientHasOrder = true;
    state = after;
  }

  if (patients === 0 && !missingPidReported) {
    findings.add('REQUIRED_SEGMENT_MISSING', 'PID', 'ORU^R01 has no PID.');
  }
  if (patients > 0 && !patientHasOrder) missingOrder();
  else if (patients === 0 && !sawObr) {
    findings.add('REQUIRED_SEGMENT_MISSING', 'OBR', 'ORU^R01 has no OBR.');
  } else if (state === 'orc') {
    findings.add('REQUIRED_SEGMENT_MISSING', 'OBR', 'The last ORC has no OBR after it.');
  }
}

/** The 1-based occurrence of each segment among the segments of its name. */
function occurrencesOf(segments: readonly Hl7Segment[]): number[] {
  const seen = new Map<string, number>();
  return segments.map((segment) => {
    const occurrence = (seen.get(segment.name) ?? 0) + 1;
    seen.set(segment.name, occurrence);
    return occurrence;
  });
}
