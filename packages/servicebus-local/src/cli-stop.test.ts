import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TEST_CONFIG } from './test-support/test-broker.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(packageDir, '..', '..', 'node_modules', '.bin', 'tsc');

describe('the servicebus-local command stopped with SIGTERM', () => {
  let workDir: string;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    // The child runs the built CLI, so build it first from the current sources.
    const build = spawnSync(tsc, ['-p', join(packageDir, 'tsconfig.build.json')], {
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new Error('building servicebus-local failed');
    workDir = mkdtempSync(join(tmpdir(), 'servicebus-local-stop-'));
    writeFileSync(join(workDir, 'config.json'), JSON.stringify(TEST_CONFIG));
  }, 60_000);

  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  });

  it('exits with 0 while a client is still connected to it', async () => {
    child = spawn(
      process.execPath,
      [
        join(packageDir, 'bin', 'servicebus-local.js'),
        ...['--port', '0', '--config', join(workDir, 'config.json')],
        ...['--data', join(workDir, 'data')],
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = once(child, 'exit');
    const [connectionString] = (await once(createInterface({ input: child.stdout! }), 'line')) as [
      string,
    ];
    const client = new ServiceBusClient(connectionString, {
      retryOptions: { maxRetries: 0, timeoutInMs: 2000 },
    });
    try {
      await client.createSender('work').sendMessages({ body: 'kept open', messageId: 'open-1' });

      child.kill('SIGTERM');
      // Before the fix the process never exited: the connection's heartbeat timers lived on.
      const timeout = new Promise<'still running'>((resolve) =>
        setTimeout(() => resolve('still running'), 10_000).unref(),
      );
      const outcome = await Promise.race([exited.then(([code]) => code as number), timeout]);
      expect(outcome).toBe(0);
    } finally {
      await client.close().catch(() => undefined);
    }
  }, 45_000);
});
