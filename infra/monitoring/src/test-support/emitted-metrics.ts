/**
 * The metric names the gateway's code emits, read from the platform's source: the
 * `METRIC_NAMES` object of its telemetry module, the one list every instrument is created
 * from. Reading the source (not the built package) keeps this check free of a build order.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from this file's place in infra/monitoring/src/test-support. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Where the names were found and what they are. */
export interface EmittedMetrics {
  /** Path from the repository root. */
  file: string;
  names: string[];
}

/**
 * Finds `export const METRIC_NAMES = { ... }` under packages/platform/src and returns the
 * string values of that object.
 * @throws Error when no such declaration exists.
 */
export function emittedMetricNames(): EmittedMetrics {
  const root = join(REPO_ROOT, 'packages', 'platform', 'src');
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    const declaration = /export const METRIC_NAMES\s*=\s*\{([^}]*)\}/.exec(text);
    if (declaration === null) continue;
    const names = [...declaration[1]!.matchAll(/:\s*'([^']+)'/g)].map((match) => match[1]!);
    return { file: file.slice(REPO_ROOT.length), names };
  }
  throw new Error('no `export const METRIC_NAMES` in packages/platform/src');
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) yield path;
  }
}
