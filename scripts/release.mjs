// Ships the three Function Apps' zips to one stack and takes them back: what the deploy
// workflow runs, and what an operator runs by hand (docs/runbooks/deploy.md, rollback.md).
// Names come from the stack's outputs (`pulumi stack output --json`), so nothing here
// knows a resource name.
//
//   node scripts/release.mjs deploy   --stack S --packages DIR --release SHA
//   node scripts/release.mjs rollback --stack S --from SHA [--to SHA --packages DIR]
//   node scripts/release.mjs current  --stack S        prints release=<sha> of ingest
//   node scripts/release.mjs urls     --stack S        prints base-url=, health-urls=
//
// Elastic Premium (`hosting: premium`): each zip goes to the `staging` slot, which is then
// swapped into production; `rollback` swaps back, so the previous code returns at once.
// Flex Consumption (no slots): each zip is deployed in place; `rollback` redeploys the
// previous release (--to) from its zips in --packages. On Premium `rollback` swaps back only
// the apps running the failed release (--from), so it is safe after a deploy that stopped
// half way; on Flex it redeploys all three, which is safe to repeat. Consumers (processor, deadletter) go before
// ingest, so nothing is enqueued in a shape the running processor does not know.
//
// --outputs FILE reads the stack outputs from a JSON file instead of pulumi; --dry-run
// prints the az commands instead of running them. Exits 0, 1 when a command fails, 2 on a
// usage error.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ORDER = ['processor', 'deadletter', 'ingest'];
const COMMANDS = ['deploy', 'rollback', 'current', 'urls'];
const usage = `usage: node scripts/release.mjs <${COMMANDS.join('|')}> --stack NAME [--packages DIR]
  [--release SHA] [--from SHA] [--to SHA] [--outputs FILE] [--dry-run]`;

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      stack: { type: 'string' },
      packages: { type: 'string' },
      release: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      outputs: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
} catch (error) {
  fail(error.message);
}
const { values: options, positionals } = parsed;
const command = positionals[0];
if (!COMMANDS.includes(command)) fail(`unknown command '${command ?? ''}'`);
if (!options.stack) fail('--stack is required');
const dryRun = options['dry-run'];

const outputs = stackOutputs();
const group = outputs.resourceGroupName;
const premium = outputs.hosting === 'premium';
const slot = outputs.stagingSlot ?? 'staging';
for (const app of ORDER) {
  if (!outputs.apps?.[app]?.name) fail(`the stack outputs have no apps.${app}.name`);
}

switch (command) {
  case 'current':
    console.log(`release=${releaseOf('ingest')}`);
    break;
  case 'urls': {
    const url = (app) => `https://${outputs.apps[app].hostName}`;
    console.log(`base-url=${url('ingest')}`);
    console.log(`health-urls=${['processor', 'deadletter'].map(url).join(' ')}`);
    break;
  }
  case 'deploy': {
    const packages = requirePackages();
    if (!options.release) fail('deploy needs --release');
    const target = premium ? ['--slot', slot] : [];
    for (const app of ORDER) deployZip(app, packages, options.release, target);
    if (premium) swapAll();
    break;
  }
  case 'rollback': {
    const from = options.from || fail('rollback needs --from (the release being taken back)');
    if (premium) {
      // After a swap the previous release sits in the staging slot, so swapping again
      // restores it. Only apps now running `from` were swapped; the others are left alone.
      const swapped = ORDER.filter((app) => dryRun || releaseOf(app) === from);
      for (const app of swapped) swap(app);
      console.log(`release: swapped back ${swapped.join(', ') || 'nothing'}`);
    } else {
      // No slots on Flex: every app gets the previous release's zip again (idempotent).
      const to = options.to || fail('rollback on Flex needs --to (the release to return to)');
      const packages = requirePackages();
      for (const app of ORDER) deployZip(app, packages, to);
      console.log(`release: redeployed ${to}`);
    }
    break;
  }
}

/**
 * Uploads an app's zip from `packages` and records which release it is, in production or in
 * the slot `target` names (`['--slot', NAME]`).
 */
function deployZip(app, packages, release, target = []) {
  const name = outputs.apps[app].name;
  const where = ['-g', group, '-n', name, ...target];
  az([
    'functionapp',
    'deployment',
    'source',
    'config-zip',
    ...where,
    '--src',
    join(packages, `${app}.zip`),
  ]);
  // The release travels with the code: not a slot setting, so it swaps with it.
  az([
    'functionapp',
    'config',
    'appsettings',
    'set',
    ...where,
    '--settings',
    `HL7GW_RELEASE=${release}`,
  ]);
}

function swapAll() {
  for (const app of ORDER) swap(app);
}

function swap(app) {
  az([
    'functionapp',
    'deployment',
    'slot',
    'swap',
    '-g',
    group,
    '-n',
    outputs.apps[app].name,
    '--slot',
    slot,
    '--target-slot',
    'production',
  ]);
}

/** The HL7GW_RELEASE app setting of an app: the commit it runs. */
function releaseOf(app) {
  const value = az(
    [
      'functionapp',
      'config',
      'appsettings',
      'list',
      '-g',
      group,
      '-n',
      outputs.apps[app].name,
      '--query',
      "[?name=='HL7GW_RELEASE'].value | [0]",
      '-o',
      'tsv',
    ],
    { capture: true },
  );
  return value.trim();
}

function requirePackages() {
  if (!options.packages) fail(`${command} needs --packages`);
  for (const app of ORDER) {
    const zip = join(options.packages, `${app}.zip`);
    if (!existsSync(zip) && !dryRun) fail(`no ${zip}`);
  }
  return options.packages;
}

function stackOutputs() {
  if (options.outputs) return JSON.parse(readFileSync(options.outputs, 'utf8'));
  const result = spawnSync(
    'pulumi',
    ['stack', 'output', '--json', '--stack', options.stack, '--cwd', join(root, 'infra')],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (result.status !== 0) {
    console.error(`release: pulumi stack output failed for ${options.stack}`);
    process.exit(1);
  }
  return JSON.parse(result.stdout);
}

function az(args, { capture = false } = {}) {
  if (dryRun) {
    console.log(`az ${args.join(' ')}`);
    return '';
  }
  const result = spawnSync('az', args, {
    encoding: 'utf8',
    stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    console.error(`release: 'az ${args.slice(0, 4).join(' ')}' failed`);
    process.exit(1);
  }
  return result.stdout ?? '';
}

function fail(message) {
  console.error(`release: ${message}\n${usage}`);
  process.exit(2);
}
