/**
 * The HL7 tables the validator checks coded fields against. Values are facts from the
 * standard's table definitions (v2.5.1 appendix A, with values added up to v2.8).
 */

/** An HL7 table: its number and the codes it lists. */
export interface Hl7Table {
  /** The table number as the standard writes it, such as `0085`. */
  readonly id: string;
  /** The codes the table lists. */
  readonly values: ReadonlySet<string>;
}

function table(id: string, values: readonly string[]): Hl7Table {
  return Object.freeze({ id, values: new Set(values) });
}

/** HL7 table 0001, administrative sex (PID-8): ambiguous, female, male, n/a, other, unknown. */
export const ADMINISTRATIVE_SEX = table('0001', ['A', 'F', 'M', 'N', 'O', 'U']);

/**
 * HL7 table 0078, interpretation codes / abnormal flags (OBX-8): the v2.5.1 values and the
 * ones v2.7 and v2.8 added, since senders on either side of that change are common.
 */
export const ABNORMAL_FLAGS = table('0078', [
  ...['L', 'H', 'LL', 'HH', '<', '>', 'N', 'A', 'AA', 'U', 'D', 'B', 'W'],
  ...['S', 'R', 'I', 'MS', 'VS'],
  ...['LU', 'HU', 'POS', 'NEG', 'IND', 'DET', 'ND', 'AC', 'RR', 'NR', 'QCF', 'TOX'],
  ...['CAR', 'EX', 'EXH', 'EXL', 'HX', 'LX', 'NS', 'SDD', 'SYN-R', 'SYN-S'],
]);

/**
 * HL7 table 0085, observation result status (OBX-11): C correction, D delete, F final,
 * I specimen in lab, N not asked, O order detail only, P preliminary, R not verified,
 * S partial, U changed to final without retransmitting, W posted as wrong, X cannot be obtained.
 */
export const OBSERVATION_RESULT_STATUS = table('0085', [
  ...['C', 'D', 'F', 'I', 'N', 'O', 'P', 'R', 'S', 'U', 'W', 'X'],
]);

/**
 * The OBX-11 statuses whose observation carries no value, so OBX-5 may be empty.
 * D deletes the earlier record; I means the result is still pending; N documents that the
 * observation was not sought; O describes the order only and carries no result; U turns
 * earlier preliminary results final without sending them again; X says no result can be had.
 * C, F, P, R, S and W all carry a result, so they need OBX-5.
 */
export const STATUSES_WITHOUT_VALUE: ReadonlySet<string> = new Set(['D', 'I', 'N', 'O', 'U', 'X']);

/** HL7 table 0103, processing id (MSH-11.1): debugging, production, training. */
export const PROCESSING_ID = table('0103', ['D', 'P', 'T']);

/**
 * HL7 table 0125, value type (OBX-2): the v2.5.1 types, with the few older and newer ones
 * (ID, IS, CNE, CQ, DR, MA, NA, NR) senders still use.
 */
export const VALUE_TYPE = table('0125', [
  ...['AD', 'CE', 'CF', 'CK', 'CN', 'CNE', 'CP', 'CQ', 'CWE', 'CX', 'DR', 'DT', 'DTM', 'ED'],
  ...['FT', 'ID', 'IS', 'MA', 'MO', 'NA', 'NM', 'NR', 'PN', 'RP', 'SN', 'ST', 'TM', 'TN'],
  ...['TS', 'TX', 'XAD', 'XCN', 'XON', 'XPN', 'XTN'],
]);

/** HL7 table 0104, version id (MSH-12.1): every release from 2.1 to 2.8.2. */
export const SUPPORTED_VERSIONS: ReadonlySet<string> = new Set([
  ...['2.1', '2.2', '2.3', '2.3.1', '2.4', '2.5', '2.5.1'],
  ...['2.6', '2.7', '2.7.1', '2.8', '2.8.1', '2.8.2'],
]);

/** The versions before 2.5, whose data types (TS, CE) the v2.5.1 rules here only approximate. */
export const LEGACY_VERSIONS: ReadonlySet<string> = new Set(['2.1', '2.2', '2.3', '2.3.1', '2.4']);
