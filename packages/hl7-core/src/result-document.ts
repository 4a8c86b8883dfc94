/**
 * The canonical result document (`urn:hl7gw:result:1`): one ORU^R01 as JSON, typed, with
 * values unescaped and code systems and times normalised. These types match
 * `schemas/result.schema.json` exactly.
 *
 * Conventions: a property is absent when its HL7 source is empty (or the HL7 null `""`),
 * lists included, except `orders`, `observations`, `specimens` and `codings`, which are
 * always present. Times are ISO 8601 strings that keep the sender's precision and offset
 * (see `datetime.ts`). Comments name each property's HL7 v2.5.1 source.
 */

/** The schema's `$id`. */
export const RESULT_SCHEMA_ID = 'urn:hl7gw:result:1';

/** A result document: the content of one ORU^R01 about one patient. */
export interface ResultDocument {
  /** The version of this document's schema. */
  schemaVersion: 1;
  /** Where the message came from: MSH. */
  source: MessageSource;
  /** Who the results are about: PID, with NK1 and NTE. */
  patient: Patient;
  /** The encounter: PV1 and PV2. */
  visit?: Visit;
  /** One per ORDER_OBSERVATION group (OBR), in message order. */
  orders: Order[];
  /** Values the message held that could not be read as their data type, kept as sent. */
  issues?: MappingIssue[];
}

/** HD: an application or facility. */
export interface HierarchicDesignator {
  /** HD-1. */
  namespaceId?: string;
  /** HD-2, such as an OID or CLIA number. */
  universalId?: string;
  /** HD-3 (table 0301), such as `ISO`, `CLIA`, `DNS`. */
  universalIdType?: string;
}

/** EI: an entity identifier such as an order number. */
export interface EntityIdentifier {
  /** EI-1. */
  id?: string;
  /** EI-2. */
  namespaceId?: string;
  /** EI-3. */
  universalId?: string;
  /** EI-4. */
  universalIdType?: string;
}

/** The message header. */
export interface MessageSource {
  /** The gateway's id for the message, when the caller supplies it. */
  gatewayMessageId?: string;
  /** MSH-10, the message control id. */
  controlId?: string;
  /** MSH-3. */
  sendingApplication?: HierarchicDesignator;
  /** MSH-4. */
  sendingFacility?: HierarchicDesignator;
  /** MSH-5. */
  receivingApplication?: HierarchicDesignator;
  /** MSH-6. */
  receivingFacility?: HierarchicDesignator;
  /** MSH-7, date-time of the message. */
  messageTime?: string;
  /** MSH-9.1 and 9.2. */
  messageType: 'ORU^R01';
  /** MSH-11.1 (table 0103): `P` production, `T` training, `D` debugging. */
  processingId?: string;
  /** MSH-12.1, the HL7 version the sender declared. */
  version?: string;
  /** MSH-21, conformance profiles. */
  profiles?: EntityIdentifier[];
}

/** One coding of a concept: a code from a code system. */
export interface Coding {
  /** The code: CWE-1 (or CWE-4). */
  code?: string;
  /** Its text: CWE-2 (or CWE-5). */
  display?: string;
  /** The code system's URI when it has a known one (see `codeSystemUri`). */
  system?: string;
  /** The coding system name as sent: CWE-3 (or CWE-6), table 0396. */
  systemName?: string;
  /** CWE-7 (or CWE-8), the code system version. */
  version?: string;
}

/** CE, CWE or CNE: a concept with its primary and alternate codings. */
export interface CodeableConcept {
  /** The primary coding (components 1-3) and the alternate (4-6), those that are present. */
  codings: Coding[];
  /** CWE-9, the original text. */
  text?: string;
}

/** CX: a patient or visit identifier. */
export interface Identifier {
  /** CX-1. */
  value: string;
  /** CX-4. */
  assigningAuthority?: HierarchicDesignator;
  /** CX-5 (table 0203), such as `MR`, `PI`, `SS`. */
  type?: string;
  /** CX-6. */
  assigningFacility?: HierarchicDesignator;
}

/** XPN: a person's name. */
export interface HumanName {
  /** XPN-1.1, the surname. */
  family?: string;
  /** XPN-2 and XPN-3: given name, then second and further given names. */
  given?: string[];
  /** XPN-5. */
  prefix?: string;
  /** XPN-4. */
  suffix?: string;
  /** XPN-6, such as `MD`. */
  degree?: string;
  /** XPN-7 (table 0200), such as `L` legal. */
  type?: string;
}

/** XAD: a postal address. */
export interface Address {
  /** XAD-1.1 and XAD-2: street address and other designation. */
  lines?: string[];
  /** XAD-3. */
  city?: string;
  /** XAD-4. */
  state?: string;
  /** XAD-5. */
  postalCode?: string;
  /** XAD-6. */
  country?: string;
  /** XAD-7 (table 0190), such as `H` home. */
  type?: string;
  /** XAD-9, county or parish code. */
  county?: string;
}

/** XTN: a telephone number or e-mail address, component by component. */
export interface ContactPoint {
  /** XTN-1, the number as free text (deprecated in v2.5.1, still common). */
  text?: string;
  /** XTN-2 (table 0201), such as `PRN` primary residence, `WPN` work. */
  use?: string;
  /** XTN-3 (table 0202), such as `PH` telephone, `CP` cellular, `Internet`. */
  equipmentType?: string;
  /** XTN-4. */
  email?: string;
  /** XTN-5. */
  countryCode?: string;
  /** XTN-6. */
  areaCode?: string;
  /** XTN-7. */
  localNumber?: string;
  /** XTN-8. */
  extension?: string;
}

/** XCN: a provider, with identifier and name. */
export interface Provider {
  /** XCN-1, such as an NPI. */
  id?: string;
  /** XCN-2.1. */
  family?: string;
  /** XCN-3 and XCN-4. */
  given?: string[];
  /** XCN-5. */
  suffix?: string;
  /** XCN-6. */
  prefix?: string;
  /** XCN-7. */
  degree?: string;
  /** XCN-9, who assigned `id`. */
  assigningAuthority?: HierarchicDesignator;
  /** XCN-13 (table 0203), such as `NPI`. */
  identifierType?: string;
}

/** XON: an organization. */
export interface Organization {
  /** XON-1. */
  name?: string;
  /** XON-10 (or, from older senders, XON-3), such as a CLIA number. */
  identifier?: string;
  /** XON-6. */
  assigningAuthority?: HierarchicDesignator;
  /** XON-7 (table 0203). */
  identifierType?: string;
}

/** PL: a location within a facility. */
export interface Location {
  /** PL-1. */
  pointOfCare?: string;
  /** PL-2. */
  room?: string;
  /** PL-3. */
  bed?: string;
  /** PL-4. */
  facility?: HierarchicDesignator;
  /** PL-6 (table 0305). */
  type?: string;
  /** PL-7. */
  building?: string;
  /** PL-8. */
  floor?: string;
  /** PL-9. */
  description?: string;
}

/** NTE: a note or comment. */
export interface Note {
  /** NTE-3, repetitions joined by line feeds; `\.br\` becomes a line feed. Empty for a blank line. */
  text: string;
  /** NTE-2 (table 0105): `L` ancillary, `P` placer, `O` other. */
  source?: string;
  /** NTE-4 (table 0364). */
  type?: CodeableConcept;
}

/** NK1: a next of kin or associated party. */
export interface Contact {
  /** NK1-2. */
  names?: HumanName[];
  /** NK1-3 (table 0063), such as `MTH` mother. */
  relationship?: CodeableConcept;
  /** NK1-4. */
  addresses?: Address[];
  /** NK1-5. */
  phones?: ContactPoint[];
  /** NK1-6. */
  businessPhones?: ContactPoint[];
  /** NK1-7 (table 0131). */
  role?: CodeableConcept;
}

/** The patient: PID, with NK1 contacts and NTE notes. */
export interface Patient {
  /** PID-3. */
  identifiers?: Identifier[];
  /** PID-5. */
  names?: HumanName[];
  /** PID-6. */
  mothersMaidenNames?: HumanName[];
  /** PID-7, at the precision sent: `2019`, `2019-07-01`, or a date-time. */
  birthDate?: string;
  /** PID-8 (table 0001): `F`, `M`, `O`, `U`, ... */
  sex?: string;
  /** PID-10. */
  races?: CodeableConcept[];
  /** PID-11. */
  addresses?: Address[];
  /** PID-13. */
  phones?: ContactPoint[];
  /** PID-14. */
  businessPhones?: ContactPoint[];
  /** PID-18. */
  accountNumber?: Identifier;
  /** PID-22. */
  ethnicGroups?: CodeableConcept[];
  /** PID-24 (table 0136): `Y` or `N`. */
  multipleBirthIndicator?: string;
  /** PID-25. */
  birthOrder?: number;
  /** PID-29. */
  deathTime?: string;
  /** PID-30 (table 0136): `Y` or `N`. */
  deathIndicator?: string;
  /** NK1 segments. */
  contacts?: Contact[];
  /** NTE segments after PID. */
  notes?: Note[];
}

/** The visit: PV1 and PV2. */
export interface Visit {
  /** PV1-2 (table 0004), such as `I` inpatient, `O` outpatient, `E` emergency. */
  class?: string;
  /** PV1-3. */
  location?: Location;
  /** PV1-4 (table 0007). */
  admissionType?: string;
  /** PV1-7. */
  attendingDoctors?: Provider[];
  /** PV1-8. */
  referringDoctors?: Provider[];
  /** PV1-10 (table 0069). */
  hospitalService?: string;
  /** PV1-19. */
  visitNumber?: Identifier;
  /** PV1-44. */
  admitTime?: string;
  /** PV1-45. */
  dischargeTime?: string;
  /** PV2-3. */
  admitReason?: CodeableConcept;
}

/** One ORDER_OBSERVATION group: ORC and OBR, with notes, observations and specimens. */
export interface Order {
  /** OBR-1. */
  setId?: number;
  /** ORC-1 (table 0119), such as `RE`. */
  orderControl?: string;
  /** OBR-2, or ORC-2 when OBR-2 is empty. */
  placerOrderNumber?: EntityIdentifier;
  /** OBR-3, or ORC-3 when OBR-3 is empty. */
  fillerOrderNumber?: EntityIdentifier;
  /** ORC-4. */
  placerGroupNumber?: EntityIdentifier;
  /** ORC-5 (table 0038). */
  orderStatus?: string;
  /** OBR-4, what was ordered. */
  universalServiceId?: CodeableConcept;
  /** TQ1-9.1, or OBR-5, or ORC-7.6 (table 0485), such as `S` stat, `R` routine. */
  priority?: string;
  /** OBR-7, when the specimen was collected or the observation made. */
  observationTime?: string;
  /** OBR-8. */
  observationEndTime?: string;
  /** OBR-14. */
  specimenReceivedTime?: string;
  /** OBR-16, or ORC-12 when OBR-16 is empty (first repetition). */
  orderingProvider?: Provider;
  /** ORC-21. */
  orderingFacility?: Organization;
  /** ORC-22. */
  orderingFacilityAddress?: Address;
  /** ORC-23. */
  orderingFacilityPhone?: ContactPoint;
  /** OBR-22, when the result or its status last changed. */
  resultsReportedTime?: string;
  /** OBR-24 (table 0074), such as `CH` chemistry, `MB` microbiology. */
  diagnosticServiceSection?: string;
  /** OBR-25 (table 0123): `F` final, `P` preliminary, `C` correction, `X` cancelled, ... */
  resultStatus?: string;
  /** OBR-26: the observation this order reflexes from. */
  parentResult?: ParentResult;
  /** OBR-29: the order this one is a child of. */
  parentOrder?: ParentOrder;
  /** OBR-31. */
  reasonsForStudy?: CodeableConcept[];
  /** NTE segments after OBR. */
  notes?: Note[];
  /** OBX segments of the order, in message order. */
  observations: Observation[];
  /** SPM segments of the order, in message order. */
  specimens: Specimen[];
}

/** PRL: a parent result link. */
export interface ParentResult {
  /** PRL-1, the parent observation's OBX-3. */
  observationCode?: CodeableConcept;
  /** PRL-2, the parent observation's OBX-4. */
  subId?: string;
  /** PRL-3, a description of the parent value. */
  valueDescriptor?: string;
}

/** EIP: the parent order's numbers. */
export interface ParentOrder {
  /** EIP-1. */
  placerOrderNumber?: EntityIdentifier;
  /** EIP-2. */
  fillerOrderNumber?: EntityIdentifier;
}

/** SPM: a specimen and the observations made on it. */
export interface Specimen {
  /** SPM-1. */
  setId?: number;
  /** SPM-2.1. */
  placerId?: EntityIdentifier;
  /** SPM-2.2. */
  fillerId?: EntityIdentifier;
  /** SPM-4. */
  type?: CodeableConcept;
  /** SPM-7. */
  collectionMethod?: CodeableConcept;
  /** SPM-8. */
  sourceSite?: CodeableConcept;
  /** SPM-11. */
  roles?: CodeableConcept[];
  /** SPM-17.1, collection time or start. */
  collectedAt?: string;
  /** SPM-17.2, end of a collection period. */
  collectedUntil?: string;
  /** SPM-18. */
  receivedAt?: string;
  /** SPM-21. */
  rejectReasons?: CodeableConcept[];
  /** SPM-24. */
  conditions?: CodeableConcept[];
  /** OBX segments after the SPM. */
  observations: Observation[];
}

/** OBX: one observation, with its notes. */
export interface Observation {
  /** OBX-1. */
  setId?: number;
  /** OBX-2 (table 0125) as sent: `NM`, `CWE`, `ST`, ... */
  valueType?: string;
  /** OBX-3, what was observed. */
  code?: CodeableConcept;
  /** OBX-4. */
  subId?: string;
  /** OBX-5, first repetition, typed by OBX-2. */
  value?: ObservationValue;
  /** OBX-5, further repetitions. */
  additionalValues?: ObservationValue[];
  /** OBX-6. */
  units?: Coding;
  /** OBX-7. */
  referenceRange?: ReferenceRange;
  /** OBX-8 (table 0078), such as `H`, `L`, `A`, `N`. */
  abnormalFlags?: string[];
  /** OBX-11 (table 0085): `F` final, `P` preliminary, `C` corrected, ... */
  status?: string;
  /** OBX-14. */
  observedAt?: string;
  /** OBX-15. */
  producer?: CodeableConcept;
  /** OBX-16. */
  responsibleObservers?: Provider[];
  /** OBX-17. */
  methods?: CodeableConcept[];
  /** OBX-19. */
  analyzedAt?: string;
  /** OBX-23, OBX-24 and OBX-25. */
  performingLaboratory?: PerformingLaboratory;
  /** NTE segments after OBX. */
  notes?: Note[];
}

/** The laboratory that performed an observation. */
export interface PerformingLaboratory {
  /** OBX-23. */
  organization?: Organization;
  /** OBX-24. */
  address?: Address;
  /** OBX-25, the medical director. */
  director?: Provider;
}

/** OBX-7, as sent, with its bounds when it reads as `low-high`, `<high` or `>low`. */
export interface ReferenceRange {
  /** The range as sent. */
  text: string;
  /** Lower bound. */
  low?: number;
  /** Upper bound. */
  high?: number;
}

/** An OBX-5 value, typed by OBX-2. */
export type ObservationValue =
  | QuantityValue
  | StructuredNumericValue
  | CodedValue
  | TextValue
  | DateValue
  | DateTimeValue
  | TimeValue
  | AttachmentValue;

/** NM. */
export interface QuantityValue {
  type: 'quantity';
  /** The number. */
  value: number;
  /** The number as sent, keeping its precision (`1.50`) for display and FHIR decimals. */
  decimal: string;
}

/** SN: `>^100`, `^10^-^20`, `^1^:^128`. */
export interface StructuredNumericValue {
  type: 'structuredNumeric';
  /** SN-1: `>`, `<`, `>=`, `<=`, `=` or `<>`. */
  comparator?: string;
  /** SN-2. */
  number1?: number;
  /** SN-3: `-`, `+`, `/`, `.` or `:`. */
  separator?: string;
  /** SN-4. */
  number2?: number;
}

/** CE, CWE, CNE. */
export interface CodedValue {
  type: 'coded';
  /** The coded value. */
  concept: CodeableConcept;
}

/**
 * ST, TX, FT and every type without a typed form here; also a value that does not read as
 * its OBX-2 type, kept as sent with `malformed` set.
 */
export interface TextValue {
  type: 'text';
  /** The unescaped text; `\.br\` becomes a line feed. */
  text: string;
  /** Set when OBX-2 names a typed form (NM, SN, DT, DTM, TS, TM) that the text does not match. */
  malformed?: true;
}

/** DT. */
export interface DateValue {
  type: 'date';
  /** ISO 8601 date at the precision sent. */
  date: string;
}

/** DTM or TS. */
export interface DateTimeValue {
  type: 'dateTime';
  /** ISO 8601 date or date-time at the precision sent. */
  dateTime: string;
}

/** TM. */
export interface TimeValue {
  type: 'time';
  /** ISO 8601 time of day. */
  time: string;
}

/** ED: encapsulated data, such as a PDF or HTML report. */
export interface AttachmentValue {
  type: 'attachment';
  /** ED-1. */
  sourceApplication?: HierarchicDesignator;
  /** ED-2 (table 0191), such as `AP` application, `TEXT`, `IM` image. */
  dataType?: string;
  /** ED-3 (table 0291), such as `PDF`, `html`. */
  subtype?: string;
  /** ED-4 (table 0299): `Base64`, `Hex` or `A` (none). */
  encoding?: string;
  /** ED-5, still encoded as ED-4 says. */
  data: string;
}

/** A value the message held that could not be read as its data type; kept as sent. */
export interface MappingIssue {
  /** Which reading failed. */
  code: 'INVALID_DATETIME' | 'INVALID_NUMBER';
  /** Where, in HL7 notation: `PID-7`, `OBX[13]-14`, `SPM[2]-17.1`. */
  location: string;
  /** The value as sent, unescaped. */
  text: string;
}
