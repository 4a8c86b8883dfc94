/**
 * What the repository provides, for the checks on workflows and runbooks: the root npm
 * scripts, the workspace packages with their scripts, the files under scripts/, and the
 * `hl7gw` commands.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

import { REPO_ROOT } from './emitted-metrics.js';

export { REPO_ROOT };

/** A workspace package's name and scripts. */
export interface WorkspacePackage {
  name: string;
  dir: string;
  scripts: Record<string, string>;
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** The scripts of the root package.json (`npm test`, `npm run bench`, ...). */
export function rootScripts(): Record<string, string> {
  return (readJson(join(REPO_ROOT, 'package.json')).scripts ?? {}) as Record<string, string>;
}

/** Every workspace package, from the folders pnpm-workspace.yaml lists. */
export function workspacePackages(): WorkspacePackage[] {
  const text = readFileSync(join(REPO_ROOT, 'pnpm-workspace.yaml'), 'utf8');
  const patterns = (parse(text) as { packages: string[] }).packages;

  const dirs = patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    if (!existsSync(join(REPO_ROOT, parent))) return [];
    return readdirSync(join(REPO_ROOT, parent)).map((name) => `${parent}/${name}`);
  });
  return dirs
    .filter((dir) => existsSync(join(REPO_ROOT, dir, 'package.json')))
    .map((dir) => {
      const json = readJson(join(REPO_ROOT, dir, 'package.json'));
      return {
        name: String(json.name),
        dir,
        scripts: (json.scripts ?? {}) as Record<string, string>,
      };
    });
}

/** The verbs `hl7gw` knows, read from the CLI's command table. */
export function cliCommands(): string[] {
  const text = readFileSync(join(REPO_ROOT, 'packages/cli/src/commands/index.ts'), 'utf8');
  const table = /export const commands[^{]*\{([^}]*)\}/.exec(text)?.[1] ?? '';
  return [...table.matchAll(/^\s*([a-z-]+):/gm)].map((match) => match[1]!);
}

/** True when the path (from the repository root) is a file or folder that exists. */
export function repoPathExists(path: string): boolean {
  return existsSync(join(REPO_ROOT, path));
}

/**
 * Problems with one shell command line, judged by what the repository provides:
 * `npm test|start|run X`, `node scripts/X`, `node_modules/.bin/hl7gw VERB`, the pinned
 * `pnpm --filter PKG run X`, and `pulumi` / `az` (tools the operator installs), nothing else.
 * @param allowed Extra leading words accepted as they are (e.g. `gh` on a GitHub runner).
 */
export function commandProblems(line: string, allowed: readonly string[] = []): string[] {
  const words = line.trim().split(/\s+/);
  const [first, second, third] = words;
  if (first === undefined || first === '') return [];

  if (first === 'npm') {
    if (second === 'test' || second === 'start') return [];
    if (second === 'run' && third !== undefined && third in rootScripts()) return [];
    return [`'${line.trim()}': no such root npm script`];
  }
  if (first === 'node') {
    const script = words.find((word, index) => index > 0 && !word.startsWith('-'));
    if (script?.startsWith('scripts/') && repoPathExists(script)) return [];
    return [`'${line.trim()}': node runs no file under scripts/ that exists`];
  }
  if (first === 'node_modules/.bin/hl7gw') {
    if (second !== undefined && cliCommands().includes(second)) return [];
    return [`'${line.trim()}': hl7gw has no command '${second ?? ''}'`];
  }
  if (first === '.tools/node_modules/.bin/pnpm') {
    const filter = words[words.indexOf('--filter') + 1];
    const script = words[words.indexOf('run') + 1];
    const pkg = workspacePackages().find((candidate) => candidate.name === filter);
    if (pkg !== undefined && script !== undefined && script in pkg.scripts) return [];
    if (second === 'audit') return [];
    return [`'${line.trim()}': no workspace package ${filter ?? '?'} with script ${script ?? '?'}`];
  }
  if (first === 'pulumi' || first === 'az' || allowed.includes(first)) return [];
  return [`'${line.trim()}': '${first}' is not a command the repository provides`];
}
