/**
 * What ships runs: each app's zip, unpacked into an empty folder far from the repository's
 * node_modules, is loaded by the local Functions host against Azurite and the local broker,
 * and answers its health route and its docs page with every file the page loads.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import {
  createHost,
  silentHostLog,
  startLocalPlatform,
  type LocalPlatform,
} from '@hl7gw/local-host';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { APPS, packageApps, RUNTIME_FILES, type PackagedApp } from '../scripts/package-apps.mjs';

const run = promisify(execFile);

const SERVICE_BUS_CONFIG = fileURLToPath(new URL('../../config/servicebus.json', import.meta.url));

const EXPECTED_TRIGGERS: Record<string, string[]> = {
  ingest: ['POST /api/v1/messages'],
  processor: ['hl7-inbound (sessions)'],
  deadletter: ['hl7-inbound/$deadletterqueue'],
};

let workDir: string;
let platform: LocalPlatform;
let packaged: PackagedApp[];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'hl7gw-packages-'));
  packaged = await packageApps({ outDir: join(workDir, 'zips') });
  platform = await startLocalPlatform({
    dataDir: join(workDir, 'data'),
    serviceBusConfigPath: SERVICE_BUS_CONFIG,
    serviceBusPort: 0,
    blobPort: 0,
    queuePort: 0,
    tablePort: 0,
  });
}, 120_000);

afterAll(async () => {
  await platform?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Unpacks a zip into its own folder; returns the folder. */
async function unpack(zipPath: string, name: string): Promise<string> {
  const target = join(workDir, 'unpacked', name);
  for (const [path, bytes] of Object.entries(unzipSync(await readFile(zipPath)))) {
    await mkdir(dirname(join(target, path)), { recursive: true });
    await writeFile(join(target, path), bytes);
  }
  return target;
}

const LOCAL_HOST = fileURLToPath(
  new URL('../../packages/local-host/dist/index.js', import.meta.url),
);

/** What the probe script prints. */
interface ProbeAnswers {
  health: [number, string];
  docs: number;
  assets: [string, number, boolean][];
}

/**
 * Loads `entry` with the local host in a child Node process and asks it for `/api/health`,
 * `/api/docs` and each file the page names. The host needs no running broker or storage
 * for these routes: nothing connects until a trigger or a probe runs.
 */
async function probeInOwnProcess(entry: string): Promise<ProbeAnswers> {
  const script = `
    const { createHost, silentHostLog } = await import(${JSON.stringify(pathToFileURL(LOCAL_HOST).href)});
    const bus = ${JSON.stringify(platform.serviceBusConnectionString)};
    const host = createHost({ port: 0, log: silentHostLog, serviceBusConnectionString: bus,
      settings: { AzureWebJobsStorage: ${JSON.stringify(platform.storageConnectionString)},
        ServiceBusConnection: bus, HL7GW_DEV_API_KEY: 'packaging-test-key-0123456789abcdef' } });
    await host.load(${JSON.stringify(entry)});
    await host.start();
    try {
      const health = await fetch(host.baseUrl + '/api/health');
      const page = await fetch(host.baseUrl + '/api/docs');
      const html = await page.text();
      const assets = [];
      for (const [, file] of html.matchAll(/(?:href|src)="docs\\/([^"]+)"/g)) {
        const answer = await fetch(host.baseUrl + '/api/docs/' + file);
        assets.push([file, answer.status, (await answer.arrayBuffer()).byteLength > 0]);
      }
      console.log(JSON.stringify({ health: [health.status, await health.text()], docs: page.status, assets }));
    } finally {
      await host.stop();
    }
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: dirname(entry),
    // Nothing of the test runner's environment (module paths, loaders) reaches the child.
    env: { PATH: process.env.PATH ?? '' },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ProbeAnswers;
}

describe.each(APPS)('the %s package', (app) => {
  let folder: string;
  beforeAll(async () => {
    folder = await unpack(packaged.find((p) => p.app === app)!.path, app);
  });

  it('holds host.json, a dependency-free package.json, the bundle and its run-time files', async () => {
    const files = packaged.find((p) => p.app === app)!.files;
    const runtime = Object.entries(RUNTIME_FILES).flatMap(([name, list]) =>
      list.map((file) => `node_modules/${name}/${file}`),
    );
    expect(files).toEqual(
      [
        'dist/functions.js',
        'dist/functions.js.LEGAL.txt',
        'host.json',
        'package.json',
        ...runtime,
      ].sort(),
    );
    const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({
      name: `@hl7gw/${app}`,
      main: 'dist/functions.js',
      type: 'module',
    });
    expect(manifest.dependencies).toEqual({});
    const host = JSON.parse(await readFile(join(folder, 'host.json'), 'utf8'));
    expect(host.version).toBe('2.0');
    expect(host.extensions.http.routePrefix).toBe('api');
  });

  it('loads under the local host and registers its functions from the unpacked folder', async () => {
    const host = createHost({
      port: 0,
      log: silentHostLog,
      serviceBusConnectionString: platform.serviceBusConnectionString,
      settings: {
        AzureWebJobsStorage: platform.storageConnectionString,
        ServiceBusConnection: platform.serviceBusConnectionString,
        HL7GW_DEV_API_KEY: 'packaging-test-key-0123456789abcdef',
      },
    });
    try {
      await host.load(join(folder, 'dist', 'functions.js'));
      expect(host.functions.length).toBeGreaterThan(0);
      await host.start();

      // The triggers that make each app what it is came through the bundle.
      const described = host.functions.map((fn) => fn.describe);
      expect(described).toEqual(expect.arrayContaining(EXPECTED_TRIGGERS[app] ?? []));

      const health = await fetch(`${host.baseUrl}/api/health`);
      expect(await health.json()).toEqual({ status: 'ok' });
    } finally {
      await host.stop();
    }
  });

  it('serves health, the docs page and every file it loads from the folder, under plain Node', async () => {
    // Its own Node process: the test runner resolves modules its own way, and could find
    // files the zip lacks in the repository's node_modules.
    const answers = await probeInOwnProcess(join(folder, 'dist', 'functions.js'));

    expect(answers.health).toEqual([200, '{"status":"ok"}']);
    expect(answers.docs).toBe(200);
    expect(answers.assets).toEqual([
      ['swagger-ui.css', 200, true],
      ['swagger-ui-bundle.js', 200, true],
      ['docs-init.js', 200, true],
    ]);
  });
});
