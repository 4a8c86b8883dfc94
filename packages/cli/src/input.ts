/**
 * Reading the CLI's inputs: files or `-` for standard input, as bytes, so MSH-18 decides
 * the character set and a BOM or any line ending is taken as the parser takes it.
 */
import { readFile } from 'node:fs/promises';

import { UsageError } from './usage-error.js';

/** One input: its name for messages and its bytes. */
export interface Input {
  /** The file name as given, or `-` for standard input. */
  readonly name: string;
  /** The raw bytes. */
  readonly bytes: Uint8Array;
}

/** Reads everything from standard input. */
async function readStdin(): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
  return Buffer.concat(chunks);
}

/**
 * Reads each named file, or standard input for `-`.
 * @throws UsageError when no file is named or one cannot be read.
 */
export async function readInputs(names: readonly string[]): Promise<Input[]> {
  if (names.length === 0) throw new UsageError('no input: name a FILE, or - for standard input');
  const inputs: Input[] = [];
  for (const name of names) {
    try {
      inputs.push({ name, bytes: name === '-' ? await readStdin() : await readFile(name) });
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new UsageError(`cannot read ${name}: ${reason}`);
    }
  }
  return inputs;
}
