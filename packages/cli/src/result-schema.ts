/**
 * Checking a JSON value against the result document schema (`urn:hl7gw:result:1`) that
 * hl7-core publishes, before the CLI builds HL7 from it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

let check: ((value: unknown) => string[]) | undefined;

/** The schema violations of `value`, as `path: problem` lines; empty when it conforms. */
export function checkResultDocument(value: unknown): string[] {
  if (check === undefined) {
    const schemaPath = require.resolve('@hl7gw/hl7-core/schemas/result.schema.json');
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validateSchema = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    check = (candidate) =>
      validateSchema(candidate)
        ? []
        : (validateSchema.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  }
  return check(value);
}
