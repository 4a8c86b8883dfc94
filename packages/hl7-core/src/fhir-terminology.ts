/**
 * HL7 v2 table codes as FHIR R4 codes, following the ConceptMaps of the HL7 Version 2 to FHIR
 * implementation guide (http://hl7.org/fhir/uv/v2mappings, STU 1): tables 0001 (administrative
 * sex), 0078 (interpretation), 0085 (observation result status), 0123 (result status),
 * 0190 (address type), 0200 (name type), 0201 (telecom use) and 0202 (telecom equipment).
 * Where the guide leaves a code without a target and FHIR requires a value, the choice made
 * here is marked "not in the guide" in the table.
 */
import type * as fhir4 from 'fhir/r4.js';

/** The v3 code system FHIR uses for `Observation.interpretation`. */
export const INTERPRETATION_SYSTEM =
  'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

/** The code system of HL7 v2 table `nnnn`, as FHIR names it. */
export function v2TableSystem(table: string): string {
  return `http://terminology.hl7.org/CodeSystem/v2-${table}`;
}

const GENDER: Readonly<Record<string, fhir4.Patient['gender']>> = {
  F: 'female',
  M: 'male',
  O: 'other',
  A: 'other',
  N: 'other',
  U: 'unknown',
};

/**
 * PID-8 (table 0001) as `Patient.gender` by the guide's table 0001 map: `F` female, `M` male,
 * `O`, `A` and `N` other, `U` unknown. Undefined for a code outside the table.
 */
export function genderOf(sex: string): fhir4.Patient['gender'] {
  return GENDER[sex.trim().toUpperCase()];
}

const NAME_USE: Readonly<Record<string, fhir4.HumanName['use']>> = {
  BAD: 'old',
  D: 'usual',
  L: 'official',
  R: 'official',
  M: 'maiden',
  MSK: 'anonymous',
  N: 'nickname',
  NAV: 'temp',
  TEMP: 'temp',
};

/**
 * XPN-7 (table 0200) as `HumanName.use` by the guide's table 0200 map; undefined for the name
 * types the guide leaves unmapped (`A`, `B`, `C`, `S`, `U`, ...).
 */
export function nameUseOf(type: string): fhir4.HumanName['use'] {
  return NAME_USE[type.trim().toUpperCase()];
}

/** XAD-7 (table 0190) as `Address.use` and `Address.type`. */
export function addressUseOf(type: string): Pick<fhir4.Address, 'use' | 'type'> {
  const code = type.trim().toUpperCase();
  // The guide maps only M and SH (to type `postal`); the uses follow the FHIR definitions.
  const uses: Record<string, fhir4.Address['use']> = {
    H: 'home',
    B: 'work',
    O: 'work',
    C: 'temp',
    BA: 'old',
  };
  const use = uses[code];
  if (code === 'M' || code === 'SH') return { type: 'postal' };
  return use === undefined ? {} : { use };
}

/** XTN-2 (table 0201) and XTN-3 (table 0202) as `ContactPoint.system` and `ContactPoint.use`. */
export function contactPointKindOf(
  use: string | undefined,
  equipmentType: string | undefined,
): Pick<fhir4.ContactPoint, 'system' | 'use'> {
  const systems: Record<string, fhir4.ContactPoint['system']> = {
    PH: 'phone',
    CP: 'phone',
    FX: 'fax',
    BP: 'pager',
    INTERNET: 'email',
    'X.400': 'email',
    MD: 'other',
    SAT: 'other',
    TDD: 'other',
    TTY: 'other',
  };
  const uses: Record<string, fhir4.ContactPoint['use']> = {
    PRN: 'home',
    WPN: 'work',
    PRS: 'mobile',
  };
  const equipment = equipmentType?.trim().toUpperCase();
  const kind: Pick<fhir4.ContactPoint, 'system' | 'use'> = {};
  const system = equipment === undefined ? undefined : systems[equipment];
  if (system !== undefined) kind.system = system;
  // The guide maps the cellular equipment type to the use `mobile`, above the XTN-2 use.
  const mapped = equipment === 'CP' ? 'mobile' : use && uses[use.trim().toUpperCase()];
  if (mapped) kind.use = mapped;
  return kind;
}

const OBSERVATION_STATUS: Readonly<Record<string, fhir4.Observation['status']>> = {
  A: 'amended',
  C: 'corrected',
  D: 'entered-in-error',
  F: 'final',
  P: 'preliminary',
  W: 'entered-in-error',
  X: 'cancelled',
  // Not in the guide, which leaves these unmapped while FHIR requires a status:
  I: 'registered',
  O: 'registered',
  R: 'preliminary',
  S: 'preliminary',
  B: 'final',
  V: 'final',
  U: 'final',
};

/**
 * OBX-11 (table 0085) as `Observation.status`. From the guide: `A` amended, `C` corrected,
 * `D` and `W` entered-in-error, `F` final, `P` preliminary, `X` cancelled. Not in the guide:
 * `I` (specimen in lab) and `O` (order detail, no result) registered; `R` (not verified) and
 * `S` (partial) preliminary; `B` (appended), `V` (verified) and `U` (changed to final) final.
 * `N` (not asked), an absent status and any other code give `unknown`.
 */
export function observationStatusOf(status: string | undefined): fhir4.Observation['status'] {
  return (status && OBSERVATION_STATUS[status.trim().toUpperCase()]) || 'unknown';
}

const REPORT_STATUS: Readonly<Record<string, fhir4.DiagnosticReport['status']>> = {
  O: 'registered',
  I: 'registered',
  S: 'registered',
  A: 'partial',
  P: 'preliminary',
  C: 'corrected',
  R: 'partial',
  F: 'final',
  X: 'cancelled',
  // Not in the guide: corrected but not final is still a correction; results pending is
  // registered, like the other "no results yet" codes.
  M: 'corrected',
  N: 'registered',
};

/**
 * OBR-25 (table 0123) as `DiagnosticReport.status`. From the guide: `O`, `I` and `S`
 * registered; `A` and `R` partial; `P` preliminary; `C` corrected; `F` final; `X` cancelled.
 * Not in the guide: `M` corrected, `N` registered. `Y`, `Z` (query-only codes), an absent
 * status and any other code give `unknown`.
 */
export function reportStatusOf(status: string | undefined): fhir4.DiagnosticReport['status'] {
  return (status && REPORT_STATUS[status.trim().toUpperCase()]) || 'unknown';
}

const INTERPRETATION_DISPLAY: Readonly<Record<string, string>> = {
  '<': 'Off scale low',
  '>': 'Off scale high',
  A: 'Abnormal',
  AA: 'Critical abnormal',
  B: 'Better',
  CAR: 'Carrier',
  D: 'Significant change down',
  DET: 'Detected',
  E: 'Equivocal',
  EX: 'outside threshold',
  EXP: 'Expected',
  H: 'High',
  HH: 'Critical high',
  HU: 'Significantly high',
  I: 'Intermediate',
  IE: 'Insufficient evidence',
  IND: 'Indeterminate',
  L: 'Low',
  LL: 'Critical low',
  LU: 'Significantly low',
  MS: 'moderately susceptible',
  N: 'Normal',
  NCL: 'No CLSI defined breakpoint',
  ND: 'Not detected',
  NEG: 'Negative',
  NR: 'Non-reactive',
  NS: 'Non-susceptible',
  POS: 'Positive',
  R: 'Resistant',
  RR: 'Reactive',
  S: 'Susceptible',
  SDD: 'Susceptible-dose dependent',
  'SYN-R': 'Synergy - resistant',
  'SYN-S': 'Synergy - susceptible',
  U: 'Significant change up',
  UNE: 'Unexpected',
  VS: 'very susceptible',
  W: 'Worse',
  WR: 'Weakly reactive',
};

/**
 * An OBX-8 flag (table 0078) as an `Observation.interpretation` concept. The flags the guide
 * maps keep their code in the v3 ObservationInterpretation system (`H`, `LL`, `A`, `POS`, ...);
 * the others (`AC`, `HM`, `QCF`, `TOX`, local codes) stay in the v2-0078 system as sent.
 */
export function interpretationOf(flag: string): fhir4.CodeableConcept {
  const code = flag.trim();
  const display = INTERPRETATION_DISPLAY[code.toUpperCase()];
  if (display === undefined) return { coding: [{ system: v2TableSystem('0078'), code }] };
  return { coding: [{ system: INTERPRETATION_SYSTEM, code: code.toUpperCase(), display }] };
}

/**
 * ORC-5 (table 0038) as `ServiceRequest.status`: `A`, `IP`, `SC` active; `CM` completed; `CA`,
 * `DC`, `RP` revoked; `HD` on-hold; `ER` entered-in-error. Without ORC-5 the order status
 * follows OBR-25: final or corrected results complete it, `X` revokes it, any other status
 * leaves it active. Neither gives `unknown`.
 */
export function serviceRequestStatusOf(
  orderStatus: string | undefined,
  resultStatus: string | undefined,
): fhir4.ServiceRequest['status'] {
  const byOrder: Record<string, fhir4.ServiceRequest['status']> = {
    A: 'active',
    IP: 'active',
    SC: 'active',
    CM: 'completed',
    CA: 'revoked',
    DC: 'revoked',
    RP: 'revoked',
    HD: 'on-hold',
    ER: 'entered-in-error',
  };
  const fromOrder = orderStatus && byOrder[orderStatus.trim().toUpperCase()];
  if (fromOrder) return fromOrder;
  if (resultStatus === undefined) return 'unknown';
  const result = resultStatus.trim().toUpperCase();
  if (result === 'F' || result === 'C') return 'completed';
  return result === 'X' ? 'revoked' : 'active';
}

/** OBR-5 or TQ1-9 (table 0485) as `ServiceRequest.priority`: `S` stat, `A` asap, `R` routine. */
export function priorityOf(priority: string): fhir4.ServiceRequest['priority'] {
  const priorities: Record<string, fhir4.ServiceRequest['priority']> = {
    S: 'stat',
    A: 'asap',
    R: 'routine',
  };
  return priorities[priority.trim().toUpperCase()];
}
