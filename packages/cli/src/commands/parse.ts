/**
 * `hl7gw parse FILE...`: each message as a JSON tree.
 */
import type { Command } from '../command.js';
import { readMessages } from '../messages.js';
import { parseOptions } from '../options.js';
import { messageTree } from '../tree.js';

/** Prints the message tree of every message as one JSON array. */
export const parseCommand: Command = {
  summary: 'print each message as a JSON tree',
  help: `Usage: hl7gw parse FILE...

Prints one JSON array with a tree per message: segments in order, fields by spec number,
values unescaped. A field is a string, or nested arrays: repetitions, then components,
then subcomponents. Empty fields are left out.`,
  async run(args, output) {
    const { positionals } = parseOptions(args, {});
    const messages = await readMessages(positionals);
    output.out(
      JSON.stringify(
        messages.map(({ message }) => messageTree(message)),
        null,
        2,
      ) + '\n',
    );
    return 0;
  },
};
