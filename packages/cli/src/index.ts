/**
 * The `hl7gw` command as a library: `main(argv)` runs it and resolves to the exit code.
 */
export { main } from './main.js';
export type { Command, Output } from './command.js';
