/**
 * HL7 v2 coding system names (table 0396, as sent in CWE-3 and CWE-6) and the URIs that
 * identify the same code systems in JSON and FHIR R4.
 */

/** Name in table 0396 → the code system's canonical URI. */
const KNOWN_SYSTEMS: ReadonlyMap<string, string> = new Map([
  ['LN', 'http://loinc.org'],
  ['SCT', 'http://snomed.info/sct'],
  ['SNM', 'http://snomed.info/sct'],
  ['UCUM', 'http://unitsofmeasure.org'],
  ['I10', 'http://hl7.org/fhir/sid/icd-10'],
  ['I10C', 'http://hl7.org/fhir/sid/icd-10-cm'],
  ['ICD10CM', 'http://hl7.org/fhir/sid/icd-10-cm'],
  ['CVX', 'http://hl7.org/fhir/sid/cvx'],
  ['CDCREC', 'urn:oid:2.16.840.1.113883.6.238'],
]);

const HL7_TABLE = /^HL7(\d{4})$/;

/**
 * The URI of the code system an HL7 v2 coding system name stands for: `LN` →
 * `http://loinc.org`, `SCT` and `SNM` → `http://snomed.info/sct`, `UCUM` →
 * `http://unitsofmeasure.org`, `HL7nnnn` → `http://terminology.hl7.org/CodeSystem/v2-nnnn`,
 * and a few other well-known systems (ICD-10, CVX, CDC race and ethnicity).
 * Returns undefined for local systems (`L`, `99zzz`, a lab's own name), which have no URI:
 * the name alone is kept. Names are matched case-insensitively.
 */
export function codeSystemUri(name: string): string | undefined {
  // Nearly every sender writes the name as the table does; normalising allocates twice.
  const exact = KNOWN_SYSTEMS.get(name);
  if (exact !== undefined) return exact;
  const upper = name.trim().toUpperCase();
  const known = KNOWN_SYSTEMS.get(upper);
  if (known !== undefined) return known;
  const table = HL7_TABLE.exec(upper);
  return table ? `http://terminology.hl7.org/CodeSystem/v2-${table[1]}` : undefined;
}
