// Makes a fresh clone runnable with only Node.js and npm: installs the pinned pnpm into
// .tools/ (never globally), then the locked dependencies when they are missing or stale.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pnpmVersion = JSON.parse(
  readFileSync(join(root, 'package.json'), 'utf8'),
).packageManager.split('@')[1];
const toolsDir = join(root, '.tools');
const pnpmBin = join(toolsDir, 'node_modules', '.bin', 'pnpm');

/** Runs a command in the repository root, streaming its output, failing on a non-zero exit. */
function run(command, args) {
  try {
    execFileSync(command, args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    });
  } catch {
    // The command has printed its own reason; a stack trace here would only bury it.
    console.error(`bootstrap: '${command} ${args.join(' ')}' failed`);
    process.exit(1);
  }
}

function installedPnpmVersion() {
  if (!existsSync(pnpmBin)) return undefined;
  try {
    return execFileSync(pnpmBin, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

if (installedPnpmVersion() !== pnpmVersion) {
  console.log(`bootstrap: installing pnpm ${pnpmVersion} into .tools/`);
  run('npm', [
    'install',
    '--no-save',
    '--no-audit',
    '--no-fund',
    '--prefix',
    toolsDir,
    `pnpm@${pnpmVersion}`,
  ]);
}

// The marker pnpm writes after an install; reinstall when the lockfile is newer than it.
const marker = join(root, 'node_modules', '.modules.yaml');
const lockfile = join(root, 'pnpm-lock.yaml');
const stale =
  !existsSync(marker) ||
  (existsSync(lockfile) && statSync(lockfile).mtimeMs > statSync(marker).mtimeMs);
if (stale) {
  console.log('bootstrap: installing locked dependencies');
  run(pnpmBin, ['install', '--frozen-lockfile', '--prefer-offline']);
}
