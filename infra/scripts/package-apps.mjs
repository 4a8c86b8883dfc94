// Builds one deployable zip per Function App: host.json, a package.json without
// dependencies, and the app's compiled code bundled with its production dependencies by
// esbuild. `@azure/functions-core` stays out: the Functions worker provides it at run time.
// Files the code reads from disk at run time (Swagger UI's, for /api/docs) ship under
// node_modules/, where the bundle resolves them.
//
//   node infra/scripts/package-apps.mjs [--out <dir>] [app ...]   (default: dist/packages)
//
// The apps must be built first (`npm run build`).
import { Buffer } from 'node:buffer';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';
import { zipSync } from 'fflate';

const infraDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(infraDir, '..');

/** The apps that ship, in deployment order. */
export const APPS = ['ingest', 'processor', 'deadletter'];

/** Where packages go by default. */
export const DEFAULT_OUT_DIR = join(repoRoot, 'dist', 'packages');

// A fixed time for every zip entry, so the same code gives the same bytes.
const ENTRY_TIME = new Date('2020-01-01T00:00:00Z');

// esbuild's ESM output has no `require`; the bundled CommonJS packages (the Azure SDKs,
// @azure/functions) need one, and @azure/functions uses it to load functions-core.
const REQUIRE_SHIM = [
  "import { createRequire as __hl7gwCreateRequire } from 'node:module';",
  'const require = __hl7gwCreateRequire(import.meta.url);',
].join('\n');

/**
 * Files read at run time rather than bundled, by package: the docs page reads Swagger UI's
 * stylesheet and script (`readDocsAsset` in packages/platform/src/http/docs-page.ts, which
 * finds the folder through its package.json), and the licence files go with them.
 */
export const RUNTIME_FILES = {
  'swagger-ui-dist': [
    'package.json',
    'swagger-ui.css',
    'swagger-ui-bundle.js',
    'LICENSE',
    'NOTICE',
  ],
};

/** The run-time files, by their path in the zip (`node_modules/<package>/<file>`). */
function runtimeFiles() {
  // Resolved as the platform package resolves them, so the version shipped is the one tested.
  const require = createRequire(join(repoRoot, 'packages', 'platform', 'package.json'));
  const files = {};
  for (const [name, list] of Object.entries(RUNTIME_FILES)) {
    const folder = dirname(require.resolve(`${name}/package.json`));
    for (const file of list)
      files[`node_modules/${name}/${file}`] = readFileSync(join(folder, file));
  }
  return files;
}

/**
 * Bundles and zips one app. Resolves to the zip's path, its size in bytes and the files in it.
 * @param {string} app one of APPS
 * @param {{ outDir?: string }} [options]
 */
export async function packageApp(app, options = {}) {
  if (!APPS.includes(app)) throw new Error(`package-apps: unknown app '${app}'`);
  const appDir = join(repoRoot, 'apps', app);
  const entry = join(appDir, 'dist', 'functions.js');
  if (!existsSync(entry)) {
    throw new Error(`package-apps: ${entry} is missing; run npm run build first`);
  }
  const manifest = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'));

  const bundle = await build({
    absWorkingDir: appDir,
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    outfile: 'dist/functions.js',
    external: ['@azure/functions-core'],
    banner: { js: REQUIRE_SHIM },
    legalComments: 'linked',
    logLevel: 'error',
    // Packages that look up optional modules at run time name them in try/catch blocks.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });

  const files = {
    'host.json': readFileSync(join(infraDir, 'packaging', 'host.json')),
    'package.json': Buffer.from(
      `${JSON.stringify(
        {
          name: manifest.name,
          version: manifest.version,
          description: manifest.description,
          type: 'module',
          main: 'dist/functions.js',
          // Everything it needs is in the bundle; the host provides @azure/functions-core.
          dependencies: {},
        },
        null,
        2,
      )}\n`,
    ),
  };
  Object.assign(files, runtimeFiles());
  for (const output of bundle.outputFiles) {
    const name = relative(appDir, output.path).replace(/\\/g, '/');
    files[name] = output.contents;
  }

  const zip = zipSync(
    Object.fromEntries(
      Object.entries(files).map(([name, bytes]) => [name, [bytes, { mtime: ENTRY_TIME }]]),
    ),
    { level: 9 },
  );
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `${app}.zip`);
  writeFileSync(path, zip);
  return { app, path, sizeBytes: statSync(path).size, files: Object.keys(files).sort() };
}

/**
 * Packages several apps (all by default), one after another.
 * @param {{ outDir?: string, apps?: string[] }} [options]
 */
export async function packageApps(options = {}) {
  const results = [];
  for (const app of options.apps ?? APPS) results.push(await packageApp(app, options));
  return results;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const outDir = outIndex >= 0 ? args.splice(outIndex, 2)[1] : undefined;
  try {
    const started = Date.now();
    for (const result of await packageApps({ outDir, apps: args.length > 0 ? args : undefined })) {
      console.log(
        `package-apps: ${result.path} (${(result.sizeBytes / 1024).toFixed(0)} KiB: ${result.files.join(', ')})`,
      );
    }
    console.log(`package-apps: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
