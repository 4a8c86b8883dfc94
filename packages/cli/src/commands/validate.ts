/**
 * `hl7gw validate [--strict] [--json] FILE...`: findings per message.
 */
import { validate, type ValidationIssue } from '@hl7gw/hl7-core';

import type { Command } from '../command.js';
import { readMessages } from '../messages.js';
import { parseOptions } from '../options.js';

/** Validates every message; exits 1 when any has an error-severity finding. */
export const validateCommand: Command = {
  summary: 'check messages; exit 1 if any has an error',
  help: `Usage: hl7gw validate [--strict] [--json] FILE...

Validates every message with the lenient profile, or the strict one with --strict, and
prints one line per finding: source#position severity CODE at LOCATION: message.
With --json, prints one JSON array of { source, position, controlId, valid, issues }.
Exit 1 when any message has an error-severity finding.`,
  async run(args, output) {
    const options = parseOptions(args, {
      strict: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const profile = options.flag('strict') ? 'strict' : 'lenient';

    const reports = (await readMessages(options.positionals)).map(
      ({ source, position, message }) => {
        const result = validate(message, { profile });
        return { source, position, controlId: message.controlId, ...result };
      },
    );

    if (options.flag('json')) output.out(JSON.stringify(reports, null, 2) + '\n');
    else {
      for (const report of reports) {
        for (const issue of report.issues) output.out(line(report.source, report.position, issue));
      }
    }
    return reports.every((report) => report.valid) ? 0 : 1;
  },
};

function line(source: string, position: number, issue: ValidationIssue): string {
  return `${source}#${position} ${issue.severity} ${issue.code} at ${issue.location}: ${issue.message}\n`;
}
