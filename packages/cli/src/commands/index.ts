/**
 * The `hl7gw` commands by name.
 */
import type { Command } from '../command.js';
import { ackCommand } from './ack.js';
import { auditCommand } from './audit.js';
import { convertCommand } from './convert.js';
import { deidentifyCommand } from './deidentify.js';
import { formatCommand } from './format.js';
import { getCommand } from './get.js';
import { parseCommand } from './parse.js';
import { splitCommand } from './split.js';
import { validateCommand } from './validate.js';

/** Every command, keyed by the verb that runs it. */
export const commands: Readonly<Record<string, Command>> = {
  parse: parseCommand,
  get: getCommand,
  format: formatCommand,
  validate: validateCommand,
  convert: convertCommand,
  ack: ackCommand,
  split: splitCommand,
  deidentify: deidentifyCommand,
  audit: auditCommand,
};
