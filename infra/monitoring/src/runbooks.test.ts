import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ALERT_RULES } from './alerts.js';
import { queryById } from './queries.js';
import { commandProblems, REPO_ROOT, repoPathExists } from './test-support/repo.js';
import { commandLines } from './test-support/workflow-check.js';

const runbooksDir = join(REPO_ROOT, 'docs', 'runbooks');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? markdownFiles(join(dir, entry.name))
      : entry.name.endsWith('.md')
        ? [join(dir, entry.name)]
        : [],
  );
}

const runbooks = markdownFiles(runbooksDir).map((path) => ({
  path,
  name: relative(runbooksDir, path),
  text: readFileSync(path, 'utf8'),
}));

/** The shell commands of a runbook: the lines of its ```sh blocks. */
function shellCommands(text: string): string[] {
  const blocks = [...text.matchAll(/^\s*```sh\n([\s\S]*?)^\s*```/gm)].map((m) => m[1]!);
  return blocks.flatMap(commandLines);
}

/** The subcommands a scripts/*.mjs tool accepts, from its `const COMMANDS = [...]`. */
function scriptVerbs(script: string): string[] | undefined {
  const text = readFileSync(join(REPO_ROOT, script), 'utf8');
  const list = /const COMMANDS = \[([^\]]*)\]/.exec(text)?.[1];
  return list === undefined ? undefined : [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

const AZ_GROUPS = [
  'account',
  'ad',
  'consumption',
  'functionapp',
  'login',
  'monitor',
  'role',
  'servicebus',
  'storage',
];

/** Problems beyond "does the command exist": verbs of our scripts, stacks, az groups. */
function detailProblems(line: string, runbook: string): string[] {
  const words = line.split(/\s+/);
  const problems: string[] = [];
  if (words[0] === 'node' && words[1]?.startsWith('scripts/')) {
    const verbs = scriptVerbs(words[1]);
    if (verbs !== undefined && !verbs.includes(words[2] ?? '')) {
      problems.push(`'${line}': ${words[1]} has no command '${words[2] ?? ''}'`);
    }
  }
  if (words[0] === 'pulumi') {
    const stack = words[words.indexOf('--stack') + 1];
    const created = new RegExp(`pulumi stack init ${stack}\\b`).test(runbook);
    if (words.includes('--stack') && !stack?.startsWith('<') && !created) {
      if (!repoPathExists(`infra/Pulumi.${stack}.yaml`)) {
        problems.push(`'${line}': no stack file infra/Pulumi.${stack}.yaml`);
      }
    }
    if (!words.includes('--cwd')) problems.push(`'${line}': pulumi without --cwd infra`);
  }
  if (words[0] === 'az' && !AZ_GROUPS.includes(words[1] ?? '')) {
    problems.push(`'${line}': az ${words[1]} is not a group the runbooks expect`);
  }
  return problems;
}

describe('the runbooks', () => {
  it('cover deploy, rollback, rotation, replay, scale, region outage, restore, purge, cost', () => {
    const names = runbooks.map((runbook) => runbook.name);

    for (const name of [
      'README.md',
      'deploy.md',
      'rollback.md',
      'rotate-secrets.md',
      'replay-dead-letters.md',
      'scale-up.md',
      'region-outage.md',
      'restore-parked-data.md',
      'purge-data.md',
      'cost-review.md',
    ]) {
      expect(names).toContain(name);
    }
  });

  it.each(runbooks.map((runbook) => [runbook.name, runbook.text] as const))(
    '%s runs only commands the repository provides',
    (_name, text) => {
      const commands = shellCommands(text);
      const problems = commands.flatMap((line) => [
        ...commandProblems(line),
        ...detailProblems(line, text),
      ]);

      expect(problems).toEqual([]);
    },
  );

  it.each(runbooks.map((runbook) => [runbook.name, runbook.path, runbook.text] as const))(
    '%s links only to files and queries that exist',
    (_name, path, text) => {
      const queryPaths = [...text.matchAll(/infra\/monitoring\/queries\/[\w/.-]+\.kql/g)].map(
        (m) => m[0],
      );
      const links = [...text.matchAll(/\]\(([^)#]+\.md)\)/g)].map((m) => m[1]!);

      for (const query of queryPaths) expect(repoPathExists(query), query).toBe(true);
      for (const link of links) {
        const target = relative(REPO_ROOT, join(path, '..', link));
        expect(repoPathExists(target), `${link} from ${path}`).toBe(true);
      }
    },
  );

  it('have runbooks with shell commands to run', () => {
    const withCommands = runbooks.filter((runbook) => shellCommands(runbook.text).length > 0);

    expect(withCommands.length).toBeGreaterThanOrEqual(15);
  });
});

describe.each(ALERT_RULES.map((alert) => [alert.id, alert] as const))(
  'the runbook of %s',
  (id, alert) => {
    const text = readFileSync(join(REPO_ROOT, alert.runbook), 'utf8');

    it('names the alert, says what it means and how to mitigate it', () => {
      expect(text).toContain(id);
      expect(text).toMatch(/^## What it means$|^The availability objective/m);
      expect(text).toMatch(/^## Mitigate$/m);
    });

    it("points at the alert's own KQL file", () => {
      expect(text).toContain(queryById(id).path.replace(/^/, 'infra/monitoring/'));
    });
  },
);

describe('the runbook checks', () => {
  it('refuse a command the repository does not provide, and a wrong verb or stack', () => {
    const text = '```sh\ncurl -X POST x\nnode scripts/operator.mjs frobnicate\n```\n';
    const lines = shellCommands(text);

    expect(lines).toEqual(['curl -X POST x', 'node scripts/operator.mjs frobnicate']);
    expect(commandProblems(lines[0]!)).toHaveLength(1);
    expect(detailProblems(lines[1]!, text)).toEqual([
      "'node scripts/operator.mjs frobnicate': scripts/operator.mjs has no command 'frobnicate'",
    ]);
    expect(detailProblems('pulumi up --stack qa --cwd infra', '')).toEqual([
      "'pulumi up --stack qa --cwd infra': no stack file infra/Pulumi.qa.yaml",
    ]);
    expect(detailProblems('az fucntionapp restart', '')).toHaveLength(1);
  });
});
