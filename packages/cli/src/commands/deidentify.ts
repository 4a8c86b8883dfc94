/**
 * `hl7gw deidentify [--key KEY] FILE...`: consistent pseudonyms for patient data.
 */
import { deidentify } from '@hl7gw/hl7-core';

import type { Command } from '../command.js';
import { readMessages } from '../messages.js';
import { parseOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

/** Replaces identity in every message with pseudonyms keyed by `--key` or HL7GW_DEID_KEY. */
export const deidentifyCommand: Command = {
  summary: 'replace patient identity with consistent pseudonyms',
  help: `Usage: hl7gw deidentify [--key KEY] FILE...

Replaces patient identifiers, names, birth date, address, phones, next of kin and notes
with pseudonyms that keep the structure. The same value and key always give the same
pseudonym, so related messages stay related. The key comes from --key or the environment
variable HL7GW_DEID_KEY (prefer the variable: arguments show in process lists).`,
  async run(args, output) {
    const options = parseOptions(args, { key: { type: 'string' } });
    const key = options.text('key') ?? process.env.HL7GW_DEID_KEY;
    if (!key) throw new UsageError('a key is needed: --key KEY or HL7GW_DEID_KEY');

    for (const { message } of await readMessages(options.positionals)) {
      output.out(deidentify(message, { key }).toString() + '\n');
    }
    return 0;
  },
};
