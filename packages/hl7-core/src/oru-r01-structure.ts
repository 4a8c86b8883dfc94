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

/** True when `state` is one of `states`. */
function from(state: State, ...states: readonly State[]): boolean {
  return states.includes(state);
}

/** The state after `name` in `state`, or undefined when the structure does not allow it there. */
function next(state: State, name: string): State | undefined {
  switch (name) {
    case 'SFT':
      return from(state, 'header', 'sft') ? 'sft' : undefined;
    case 'PID':
      return from(state, 'header', 'sft', ...PATIENT, ...ORDER) ? 'pid' : undefined;
    case 'PD1':
      return from(state, 'pid') ? 'pd1' : undefined;
    case 'NTE':
      if (from(state, 'pid', 'pd1', 'pidNte')) return 'pidNte';
      if (from(state, 'obr', 'obrNte')) return 'obrNte';
      return from(state, 'obx', 'obxNte') ? 'obxNte' : undefined;
    case 'NK1':
      return from(state, 'pid', 'pd1', 'pidNte', 'nk1') ? 'nk1' : undefined;
    case 'PV1':
      return from(state, 'pid', 'pd1', 'pidNte', 'nk1') ? 'pv1' : undefined;
    case 'PV2':
      return from(state, 'pv1') ? 'pv2' : undefined;
    case 'ORC':
      return from(state, ...PATIENT, ...ORDER) ? 'orc' : undefined;
    case 'OBR':
      return from(state, 'orc', ...PATIENT, ...ORDER) ? 'obr' : undefined;
    case 'TQ1':
      return from(state, 'obr', 'obrNte', 'tq1', 'tq2') ? 'tq1' : undefined;
    case 'TQ2':
      return from(state, 'tq1', 'tq2') ? 'tq2' : undefined;
    case 'CTD':
      return from(state, 'obr', 'obrNte', 'tq1', 'tq2') ? 'ctd' : undefined;
    case 'OBX':
      if (from(state, ...OBSERVATIONS)) return 'obx';
      return from(state, 'spm', 'spmObx') ? 'spmObx' : undefined;
    case 'FT1':
      return from(state, ...OBSERVATIONS, 'ft1') ? 'ft1' : undefined;
    case 'CTI':
      return from(state, ...OBSERVATIONS, 'ft1', 'cti') ? 'cti' : undefined;
    case 'SPM':
      return from(state, ...ORDER) ? 'spm' : undefined;
    case 'DSC':
      return from(state, ...ORDER) ? 'dsc' : undefined;
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
  const seen = new Map<string, number>([['MSH', 1]]);
  let state: State = 'header';
  let patients = 0;
  let patientHasOrder = false;
  let missingPidReported = false;

  const missingOrder = (): void => {
    const at = formatLocation('PID', patients);
    findings.add('REQUIRED_SEGMENT_MISSING', 'OBR', `The patient result at ${at} has no OBR.`);
  };

  for (const segment of message.segments().slice(1)) {
    const name = segment.name;
    const occurrence = (seen.get(name) ?? 0) + 1;
    seen.set(name, occurrence);
    const location = formatLocation(name, occurrence);

    if (name.startsWith('Z')) continue;
    if (!STRUCTURE_SEGMENTS.has(name)) {
      findings.add('UNEXPECTED_SEGMENT', location, `${location} is not part of ORU^R01.`);
      continue;
    }

    let after = next(state, name);
    if (after === undefined && (name === 'ORC' || name === 'OBR') && from(state, 'header', 'sft')) {
      // An order with no patient before it: report the patient once, then read on as if present.
      if (!missingPidReported) {
        findings.add('REQUIRED_SEGMENT_MISSING', 'PID', `ORU^R01 has no PID before ${location}.`);
        missingPidReported = true;
      }
      after = name === 'ORC' ? 'orc' : 'obr';
    }
    if (after === undefined) {
      findings.add('SEGMENT_OUT_OF_ORDER', location, `${location} is out of order for ORU^R01.`);
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
  else if (patients === 0 && !seen.has('OBR')) {
    findings.add('REQUIRED_SEGMENT_MISSING', 'OBR', 'ORU^R01 has no OBR.');
  } else if (state === 'orc') {
    findings.add('REQUIRED_SEGMENT_MISSING', 'OBR', 'The last ORC has no OBR after it.');
  }
}
