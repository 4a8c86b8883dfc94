/**
 * `hl7gw convert --to json|fhir|hl7 FILE`: between HL7 v2, the result document and FHIR R4.
 */
import { fromResult, toFhirBundle, toResult, type ResultDocument } from '@hl7gw/hl7-core';

import type { Command } from '../command.js';
import { readInputs } from '../input.js';
import { readMessages } from '../messages.js';
import { parseOptions } from '../options.js';
import { checkResultDocument } from '../result-schema.js';
import { UsageError } from '../usage-error.js';

const TARGETS = ['json', 'fhir', 'hl7'] as const;

/** Converts ORU^R01 to the result document or a FHIR Bundle, or a result document to HL7. */
export const convertCommand: Command = {
  summary: 'convert ORU^R01 to result JSON or FHIR R4, or result JSON to HL7',
  help: `Usage: hl7gw convert --to json|fhir FILE...
       hl7gw convert --to hl7 FILE...

--to json   each ORU^R01 as the canonical result document (urn:hl7gw:result:1)
--to fhir   each ORU^R01 as a FHIR R4 transaction Bundle
--to hl7    each result document (a JSON file, checked against its schema) as an ORU^R01
Several messages print as a JSON array; one prints as a single document.`,
  async run(args, output) {
    const options = parseOptions(args, { to: { type: 'string' } });
    const target = options.text('to') as (typeof TARGETS)[number] | undefined;
    if (target === undefined || !TARGETS.includes(target)) {
      throw new UsageError(`--to must be one of ${TARGETS.join(', ')}`);
    }

    if (target === 'hl7') {
      for (const { name, bytes } of await readInputs(options.positionals)) {
        const doc = readDocument(name, new TextDecoder().decode(bytes));
        output.out(fromResult(doc).toString() + '\n');
      }
      return 0;
    }

    const documents = (await readMessages(options.positionals)).map(({ message }) => {
      const doc = toResult(message);
      return target === 'json' ? doc : toFhirBundle(doc);
    });
    const printed = documents.length === 1 ? documents[0] : documents;
    output.out(JSON.stringify(printed, null, 2) + '\n');
    return 0;
  },
};

function readDocument(name: string, text: string): ResultDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${name} is not JSON`);
  }
  const problems = checkResultDocument(json);
  if (problems.length > 0) {
    throw new UsageError(`${name} is not a result document: ${problems.slice(0, 3).join('; ')}`);
  }
  return json as ResultDocument;
}
