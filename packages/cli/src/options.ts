/**
 * Option parsing shared by the commands, on node:util's parseArgs, with usage errors
 * turned into `UsageError` so they exit 2.
 */
import { parseArgs } from 'node:util';

import { UsageError } from './usage-error.js';

/** A command's options: each a boolean flag or a string-valued option. */
export type OptionSpec = Record<string, { type: 'boolean' | 'string' }>;

/** What `parseOptions` returns: typed option readers, and the remaining arguments. */
export interface ParsedOptions {
  /** Whether a boolean flag was given. */
  flag(name: string): boolean;
  /** The value of a string option, or undefined when absent. */
  text(name: string): string | undefined;
  /** Arguments that are not options, in order. */
  readonly positionals: string[];
}

/**
 * Parses a command's arguments into option values and positionals.
 * @throws UsageError for an unknown option or a missing value.
 */
export function parseOptions(args: readonly string[], options: OptionSpec): ParsedOptions {
  try {
    const parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    const values = parsed.values as Record<string, string | boolean | undefined>;
    return {
      flag: (name) => values[name] === true,
      text: (name) => (typeof values[name] === 'string' ? values[name] : undefined),
      positionals: parsed.positionals,
    };
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}
