import { describe, expect, it } from 'vitest';
import { codeSystemUri } from './code-system.js';

describe('codeSystemUri', () => {
  it.each([
    ['LN', 'http://loinc.org'],
    ['ln', 'http://loinc.org'],
    ['SCT', 'http://snomed.info/sct'],
    ['SNM', 'http://snomed.info/sct'],
    ['UCUM', 'http://unitsofmeasure.org'],
    ['HL70078', 'http://terminology.hl7.org/CodeSystem/v2-0078'],
    ['HL70203', 'http://terminology.hl7.org/CodeSystem/v2-0203'],
    ['CDCREC', 'urn:oid:2.16.840.1.113883.6.238'],
  ])('maps %s to %s', (name, uri) => {
    expect(codeSystemUri(name)).toBe(uri);
  });

  it.each(['L', 'LOCAL', '99MDH', 'PLT', 'HL7', 'HL7007', ''])('has no URI for %j', (name) => {
    expect(codeSystemUri(name)).toBeUndefined();
  });
});
