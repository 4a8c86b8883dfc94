/**
 * The `hl7gw` command: dispatches to one command module per verb and turns failures into
 * the documented exit codes (0 success, 1 validation errors, 2 usage or parse errors).
 */
import { isHl7ParseError } from '@hl7gw/hl7-core';

import type { Output } from './command.js';
import { commands } from './commands/index.js';
import { UsageError } from './usage-error.js';

const USAGE = `hl7gw: read, check and convert HL7 v2 messages

Usage: hl7gw <command> [options] FILE...    (FILE may be - for standard input)

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(11)} ${command.summary}`)
  .join('\n')}

Run 'hl7gw <command> --help' for a command's options.
Exit codes: 0 success, 1 validation errors or a broken audit chain, 2 usage or parse errors.`;

const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * Runs `hl7gw` with `argv` (without node and the script) and returns the exit code.
 * Never throws: every failure becomes a one-line reason on standard error.
 */
export async function main(
  argv: readonly string[],
  output: Output = processOutput,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    output.out(USAGE + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    output.err(`hl7gw: unknown command '${name}'; see hl7gw --help\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    output.out(command.help + '\n');
    return 0;
  }

  try {
    return await command.run(rest, output);
  } catch (error) {
    output.err(`hl7gw ${name}: ${reason(error)}\n`);
    return 2;
  }
}

/** One line naming what went wrong, without field contents. */
function reason(error: unknown): string {
  if (isHl7ParseError(error)) {
    return `not readable as HL7 (${error.code}${error.location ? ` at ${error.location}` : ''}): ${error.message}`;
  }
  if (error instanceof UsageError) return error.message;
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return `${error.code}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
