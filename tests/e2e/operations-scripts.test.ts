/**
 * The scripts the deploy workflow and the runbooks run, against the whole gateway on one
 * host: `scripts/smoke-test.mjs` passes on a healthy gateway and fails when a check does,
 * and `scripts/operator.mjs` lists, previews, purges and resubmits through the real
 * operator API.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually } from '../support/client.js';
import { startGateway, type Gateway } from '../support/gateway.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a repository script with node, asynchronously (the gateway runs in this process). */
function runScript(script: string, args: string[], env: Record<string, string>): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, script), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let gateway: Gateway;
let baseUrl: string;
let work: string;
beforeAll(async () => {
  gateway = await startGateway();
  baseUrl = gateway.api.replace(/\/api$/, '');
  work = mkdtempSync(join(tmpdir(), 'hl7gw-ops-'));
});
afterAll(async () => {
  await gateway?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('scripts/smoke-test.mjs', () => {
  it('passes health, readiness, a synthetic ORU^R01 to processed and the docs page', async () => {
    const ran = await runScript('scripts/smoke-test.mjs', ['--base-url', baseUrl], {
      HL7GW_SMOKE_API_KEY: gateway.apiKey,
    });

    expect(ran.code, ran.stdout).toBe(0);
    expect(ran.stdout).toMatch(/^ok {4}synthetic ORU\^R01 followed to processed/m);
    expect(ran.stdout).toContain('smoke-test: 4 passed, 0 failed');
  });

  it('fails, naming the check, when the key is refused', async () => {
    const ran = await runScript('scripts/smoke-test.mjs', ['--base-url', baseUrl], {
      HL7GW_SMOKE_API_KEY: 'not-a-key-of-this-gateway',
    });

    expect(ran.code).toBe(1);
    expect(ran.stdout).toMatch(/^FAIL {2}synthetic ORU\^R01 followed to processed .*401/m);
  });

  it('refuses to start without a key', async () => {
    const ran = await runScript('scripts/smoke-test.mjs', ['--base-url', baseUrl], {
      HL7GW_SMOKE_API_KEY: '',
    });

    expect(ran.code).toBe(2);
  });
});

describe('scripts/operator.mjs', () => {
  const operator = (args: string[]) =>
    runScript('scripts/operator.mjs', [...args, '--base-url', baseUrl], {
      HL7GW_API_KEY: gateway.apiKey,
    });

  it('submits, lists, previews a replay and purges a dead letter', async () => {
    // An ORU^R01 without OBR: valid HL7, refused by validation, so it is parked.
    const file = join(work, 'no-obr.hl7');
    const controlId = `OPS${Date.now()}`;
    writeFileSync(
      file,
      `MSH|^~\\&|OPS|OPS-LAB|HL7GW|HL7GW|20260101120000+0000||ORU^R01^ORU_R01|${controlId}|P|2.5.1\r` +
        'PID|1||OPS0001^^^OPS^MR||Test^Ops\r' +
        'OBX|1|NM|2951-2^Sodium^LN||140|mmol/L|||||F\r',
    );
    const submitted = await operator(['submit', '--file', file]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const { id } = JSON.parse(submitted.stdout) as { id: string };

    const parked = await eventually('the dead letter parked', async () => {
      const listed = await operator(['list', '--sending-facility', 'OPS-LAB']);
      const items = (JSON.parse(listed.stdout) as { items: { id: string; category: string }[] })
        .items;
      return items.find((item) => item.id === id);
    });
    expect(parked.category).toBe('validation');

    const preview = await operator(['replay-all', '--sending-facility', 'OPS-LAB']);
    expect(JSON.parse(preview.stdout)).toMatchObject({ dryRun: true, selected: 1 });

    const unconfirmed = await operator(['purge', '--id', id]);
    expect(unconfirmed.code).toBe(2);
    const purged = await operator(['purge', '--id', id, '--confirm', id]);
    expect(purged.code, purged.stderr).toBe(0);
    const gone = await operator(['show', '--id', id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('→ 404');
  });
});
