// The steps behind the root npm scripts, so that `npm test` and CI run the same sequence.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
/**
 * The src/ folders of every package and app, and the cross-app tests: what the dependency
 * rules are checked on.
 */
const sourceDirs = [
  ...['packages', 'apps'].flatMap((group) =>
    existsSync(join(root, group))
      ? readdirSync(join(root, group))
          .map((name) => `${group}/${name}/src`)
          .filter((dir) => existsSync(join(root, dir)))
      : [],
  ),
  ...(existsSync(join(root, 'tests')) ? ['tests'] : []),
];
// turbo finds pnpm on the PATH; bootstrap.mjs puts the pinned one in .tools/.
const toolsBin = join(root, '.tools', 'node_modules', '.bin');
const env = {
  ...process.env,
  PATH: `${toolsBin}${process.platform === 'win32' ? ';' : ':'}${process.env.PATH ?? ''}`,
  TURBO_TELEMETRY_DISABLED: '1',
  FORCE_COLOR: process.env.CI ? '0' : '1',
};

/** Each named task is a list of [command, args] steps run in order; the first failure stops it. */
const tasks = {
  build: [[bin('turbo'), ['run', 'build', '--output-logs=errors-only']]],
  lint: [
    [bin('prettier'), ['--check', '.', '--log-level', 'warn']],
    [bin('eslint'), ['.', '--max-warnings', '0']],
    [bin('depcruise'), [...sourceDirs, '--config', '.dependency-cruiser.cjs']],
  ],
  format: [[bin('prettier'), ['--write', '.', '--log-level', 'warn']]],
  typecheck: [[bin('turbo'), ['run', 'typecheck', '--output-logs=errors-only']]],
  unit: [[bin('vitest'), ['run']]],
  bench: [[process.execPath, ['--expose-gc', join(root, 'bench', 'dist', 'run.js')]]],
};
tasks.test = [...tasks.build, ...tasks.lint, ...tasks.typecheck, ...tasks.unit];
tasks.bench = [...tasks.build, ...tasks.bench];

const name = process.argv[2];
const steps = tasks[name];
if (!steps) {
  console.error(`run.mjs: unknown task '${name}'; one of ${Object.keys(tasks).join(', ')}`);
  process.exit(2);
}
// Arguments after the task name go to its last step: `npm run bench -- --quick`.
const extra = process.argv.slice(3);
for (const [index, [command, stepArgs]] of steps.entries()) {
  const args = index === steps.length - 1 ? [...stepArgs, ...extra] : stepArgs;
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`run.mjs: '${command.replace(root + '/', '')} ${args.join(' ')}' failed`);
    process.exit(result.status ?? 1);
  }
  console.error(
    `run.mjs: ${args[0] ?? command} done in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
