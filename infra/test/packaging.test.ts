/**
 * What ships runs: each app's zip, unpacked into an empty folder far from the repository's
 * node_modules, is loaded by the local Functions host against Azurite and the local broker,
 * and answers its health route.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  createHost,
  silentHostLog,
  startLocalPlatform,
  type LocalPlatform,
} from '@hl7gw/local-host';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { APPS, packageApps, type PackagedApp } from '../scripts/package-apps.mjs';

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

describe.each(APPS)('the %s package', (app) => {
  let folder: string;
  beforeAll(async () => {
    folder = await unpack(packaged.find((p) => p.app === app)!.path, app);
  });

  it('holds host.json, a dependency-free package.json and the bundle, nothing else', async () => {
    const files = packaged.find((p) => p.app === app)!.files;
    expect(files).toEqual([
      'dist/functions.js',
      'dist/functions.js.LEGAL.txt',
      'host.json',
      'package.json',
    ]);
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

      const health = host.functions.find((fn) => fn.describe === 'GET /api/health');
      if (app === 'ingest') expect(health, 'ingest registers GET /api/health').toBeDefined();
      if (health !== undefined) {
        const response = await fetch(`${host.baseUrl}/api/health`);
        expect(response.status).toBe(200);
      }
    } finally {
      await host.stop();
    }
  });
});
