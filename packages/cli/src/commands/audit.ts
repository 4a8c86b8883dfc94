/**
 * `hl7gw audit verify (--date DAY | --from DAY --to DAY)`: walks the audit log in storage
 * and reports the first line whose hash chain breaks. Storage comes from the environment,
 * as the apps read it: `AzureWebJobsStorage` (a connection string) or
 * `AzureWebJobsStorage__accountName` (signed in through `DefaultAzureCredential`).
 */
import type { AuditVerification } from '@hl7gw/platform';

import type { Command, Output } from '../command.js';
import { parseOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

const HELP = `Usage: hl7gw audit verify --date YYYY-MM-DD [--container NAME]
       hl7gw audit verify --from YYYY-MM-DD --to YYYY-MM-DD [--container NAME]

Reads every audit blob of the day (or of each day from --from to --to, inclusive, UTC)
and checks each line: whole, matching its own hash, linked to the line before, counted
in sequence, dated on its blob's day; then that each blob is an append blob with one
append per line. Prints one line per blob and, on a break, the blob, the line number and
the reason. Never prints entry content.

Storage: AzureWebJobsStorage (connection string) or AzureWebJobsStorage__accountName.
Container: --container, else HL7GW_AUDIT_CONTAINER, else hl7gw-audit.
Exit codes: 0 the chain holds, 1 a break was found, 2 usage or storage errors.`;

/** Verifies the audit log's hash chains. */
export const auditCommand: Command = {
  summary: 'verify the hash chain of the audit log in storage',
  help: HELP,
  async run(args, output) {
    const [verb, ...rest] = args;
    if (verb !== 'verify') throw new UsageError(`audit: unknown action; try 'hl7gw audit verify'`);
    const options = parseOptions(rest, {
      date: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      container: { type: 'string' },
    });
    if (options.positionals.length > 0) throw new UsageError('audit verify takes no files');
    const [from, to] = range(options.text('date'), options.text('from'), options.text('to'));

    // Loaded only here, so the other commands never pay for the Azure SDKs.
    const platform = await import('@hl7gw/platform');
    const storage = platform.parseStorageConnection(process.env);
    const container =
      options.text('container') ?? platform.parseAuditSettings(process.env, 'cli').container;
    const verifier = platform.AuditVerifier.fromConnection(storage, { container });

    let report: AuditVerification;
    try {
      report = await verifier.verifyRange(from, to);
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }
    return print(report, container, output);
  },
};

/** The days to walk: `--date`, or `--from` with `--to`. */
function range(date?: string, from?: string, to?: string): [string, string] {
  if (date !== undefined && from === undefined && to === undefined) return [date, date];
  if (date === undefined && from !== undefined && to !== undefined) return [from, to];
  throw new UsageError('give --date, or both --from and --to');
}

function print(report: AuditVerification, container: string, output: Output): number {
  for (const blob of report.blobs) {
    const state = blob.break === undefined ? 'ok    ' : 'BROKEN';
    output.out(`${state} ${blob.blob} (${blob.verifiedEntries} entries verified)\n`);
  }

  const entries = report.blobs.reduce((sum, blob) => sum + blob.verifiedEntries, 0);
  const days =
    report.days.length === 1 ? report.days[0] : `${report.days[0]}..${report.days.at(-1)}`;
  const broken = report.firstBreak;
  if (broken === undefined) {
    output.out(
      `audit log of ${days} in ${container}: ${report.blobs.length} blobs, ` +
        `${entries} entries, chain intact\n`,
    );
    return 0;
  }

  const where = broken.line === 0 ? 'the whole blob' : `line ${broken.line}`;
  output.err(`audit chain broken: ${broken.blob} ${where}: ${broken.reason}: ${broken.detail}\n`);
  return 1;
}
