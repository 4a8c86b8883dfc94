/**
 * Lints an OpenAPI document with `@redocly/cli` (its recommended rules), offline: the
 * document is written to a temporary file and the CLI run on it with telemetry and update
 * checks off, so no test reaches the network.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/** One finding of the linter. */
export interface LintProblem {
  /** The rule that fired. */
  ruleId: string;
  /** `error` or `warn`. */
  severity: string;
  /** What it says. */
  message: string;
  /** Where, as JSON pointers. */
  pointers: string[];
}

/** What the linter found. */
export interface LintReport {
  /** How many errors. */
  errors: number;
  /** How many warnings. */
  warnings: number;
  /** Every finding. */
  problems: LintProblem[];
}

const run = promisify(execFile);

/** Lints `document` with Redocly's recommended rules. */
export async function lintOpenApi(document: unknown): Promise<LintReport> {
  const cli = join(
    dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')),
    'bin',
    'cli.js',
  );
  const directory = await mkdtemp(join(tmpdir(), 'hl7gw-openapi-'));
  try {
    const file = join(directory, 'openapi.json');
    await writeFile(file, JSON.stringify(document, null, 2));
    const env = {
      ...process.env,
      REDOCLY_TELEMETRY: 'off',
      REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
      NO_COLOR: '1',
    };
    // The CLI exits 1 when it finds errors; its JSON report is on standard output either way.
    const output = await run(process.execPath, [cli, 'lint', file, '--format=json'], {
      cwd: directory,
      env,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(output.stdout) as {
      totals: { errors: number; warnings: number };
      problems: {
        ruleId: string;
        severity: string;
        message: string;
        location: { pointer: string }[];
      }[];
    };
    return {
      errors: report.totals.errors,
      warnings: report.totals.warnings,
      problems: report.problems.map((problem) => ({
        ruleId: problem.ruleId,
        severity: problem.severity,
        message: problem.message,
        pointers: problem.location.map((location) => location.pointer),
      })),
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
