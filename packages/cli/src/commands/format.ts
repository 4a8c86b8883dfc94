/**
 * `hl7gw format FILE...`: re-serialize from the model.
 */
import { serializeBatch } from '@hl7gw/hl7-core';

import type { Command } from '../command.js';
import { messageOf, readBatches } from '../messages.js';
import { parseOptions } from '../options.js';

/** Writes each input back from the parsed model, segments ended by `\r`. */
export const formatCommand: Command = {
  summary: 're-serialize from the model (segments ended by \\r)',
  help: `Usage: hl7gw format FILE...

Writes each input back from the parsed model: segments ended by \\r, a BOM and blank lines
dropped, any wrapped line joined (the repair is reported on standard error). Batch files
keep their FHS/BHS headers and trailers.`,
  async run(args, output) {
    const { positionals } = parseOptions(args, {});
    for (const { source, batch } of await readBatches(positionals)) {
      for (const member of batch.members) {
        for (const repair of messageOf(member).repairs) {
          output.err(
            `${source}#${member.position}: repaired ${repair.code} at ${repair.location}\n`,
          );
        }
      }
      const isPlain = batch.fhs === undefined && batch.bhs === undefined;
      output.out(
        isPlain
          ? batch.members.map((member) => messageOf(member).toString()).join('')
          : serializeBatch(batch),
      );
    }
    return 0;
  },
};
