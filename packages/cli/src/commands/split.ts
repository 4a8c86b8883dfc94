/**
 * `hl7gw split [--out-dir DIR] FILE`: a batch into its messages.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

import type { Command } from '../command.js';
import { messageOf, readBatches } from '../messages.js';
import { parseOptions } from '../options.js';

/** Writes each member of a batch on its own: to files, or to standard output. */
export const splitCommand: Command = {
  summary: 'split a batch file into its messages',
  help: `Usage: hl7gw split [--out-dir DIR] FILE...

Splits FHS/BHS batches and concatenated messages into single messages. Without --out-dir,
prints each message (segments ended by \\r) followed by an empty line. With --out-dir,
writes DIR/<file>-<position>.hl7 for each and prints the paths written.`,
  async run(args, output) {
    const options = parseOptions(args, { 'out-dir': { type: 'string' } });
    const outDir = options.text('out-dir');
    if (outDir !== undefined) await mkdir(outDir, { recursive: true });

    for (const { source, batch } of await readBatches(options.positionals)) {
      const stem = source === '-' ? 'stdin' : basename(source, extname(source));
      for (const member of batch.members) {
        const text = messageOf(member).toString();
        if (outDir === undefined) {
          output.out(text + '\n');
          continue;
        }
        const path = join(outDir, `${stem}-${member.position}.hl7`);
        await writeFile(path, text);
        output.out(path + '\n');
      }
    }
    return 0;
  },
};
