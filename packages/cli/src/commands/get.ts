/**
 * `hl7gw get [--json] FILE PATH...`: values by HL7 path.
 */
import type { Command } from '../command.js';
import { readMessages } from '../messages.js';
import { parseOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

/** Prints the unescaped value at each path, for each message of the file. */
export const getCommand: Command = {
  summary: 'print values by path (PID-5.1, OBX[2]-5, PID-3[2].4)',
  help: `Usage: hl7gw get [--json] FILE PATH...

Prints the unescaped value at each path, one per line ('' when absent). Paths are
SEG[n]-F[r].C.S, 1-based as in the spec: PID-5.1, OBX[13]-5, PID-3[2].4, MSH-9.2.
With --json, prints one JSON array of strings per message, in the order of the paths.`,
  async run(args, output) {
    const options = parseOptions(args, { json: { type: 'boolean' } });
    const [file, ...paths] = options.positionals;
    if (file === undefined || paths.length === 0) {
      throw new UsageError('usage: hl7gw get [--json] FILE PATH...');
    }

    const messages = await readMessages([file]);
    for (const { message } of messages) {
      const found = paths.map((path) => {
        try {
          return message.get(path);
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
      });
      output.out(
        options.flag('json') ? JSON.stringify(found) + '\n' : found.map((v) => v + '\n').join(''),
      );
    }
    return 0;
  },
};
