/**
 * The shape every `hl7gw` command module exports.
 */
/** Where a command writes; the real process streams, or a buffer in tests. */
export interface Output {
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
}

/** One verb of the CLI. */
export interface Command {
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs with the arguments after the verb; resolves to the exit code. */
  run(args: readonly string[], output: Output): Promise<number>;
}
