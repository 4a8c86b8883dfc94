import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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

/** Starts the built CLI in a child process and resolves with it and its connection string. */
async function startChild(
  configFile: string,
  dataDir: string,
): Promise<{ child: ChildProcess; connectionString: string }> {
  const child = spawn(
    process.execPath,
    [
      join(packageDir, 'bin', 'servicebus-local.js'),
      '--port',
      '0',
      '--config',
      configFile,
      '--data',
      dataDir,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const connectionString = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`broker exited with ${code}`)));
  });
  return { child, connectionString };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('a broker killed with SIGKILL', () => {
  let workDir: string;
  let configFile: string;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    // The child runs the built CLI, so build it first from the current sources.
    const build = spawnSync(tsc, ['-p', join(packageDir, 'tsconfig.build.json')], {
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new Error('building servicebus-local failed');
    workDir = mkdtempSync(join(tmpdir(), 'servicebus-local-durability-'));
    configFile = join(workDir, 'config.json');
    writeFileSync(configFile, JSON.stringify(TEST_CONFIG));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(
      children.filter((c) => c.exitCode === null && c.signalCode === null).map(kill),
    );
    rmSync(workDir, { recursive: true, force: true });
  });

  it('still delivers every message it accepted, and not the ones completed', async () => {
    const dataDir = join(workDir, 'data');
    const first = await startChild(configFile, dataDir);
    children.push(first.child);
    const client = new ServiceBusClient(first.connectionString, {
      retryOptions: { maxRetries: 0, timeoutInMs: 5000 },
    });
    const sender = client.createSender('work');
    for (let i = 0; i < 100; i++) await sender.sendMessages({ body: i, messageId: `m-${i}` });
    const batch = await sender.createMessageBatch();
    for (let i = 100; i < 200; i++) batch.tryAddMessage({ body: i, messageId: `m-${i}` });
    await sender.sendMessages(batch);

    const receiver = client.createReceiver('work', { maxAutoLockRenewalDurationInMs: 0 });
    const completed = await receiver.receiveMessages(20, { maxWaitTimeInMs: 2000 });
    for (const message of completed) await receiver.completeMessage(message);
    const locked = await receiver.receiveMessages(10, { maxWaitTimeInMs: 2000 });
    expect(completed).toHaveLength(20);
    expect(locked).toHaveLength(10);

    await kill(first.child);
    await client.close().catch(() => undefined);

    const second = await startChild(configFile, dataDir);
    children.push(second.child);
    const again = new ServiceBusClient(second.connectionString);
    const afterRestart = again.createReceiver('work', { receiveMode: 'receiveAndDelete' });
    const bodies: number[] = [];
    for (;;) {
      const messages = await afterRestart.receiveMessages(200, { maxWaitTimeInMs: 1000 });
      if (messages.length === 0) break;
      bodies.push(...messages.map((m) => m.body as number));
    }
    await again.close();
    await kill(second.child);

    expect(bodies.sort((a, b) => a - b)).toEqual(Array.from({ length: 180 }, (_, i) => i + 20));
  }, 45_000);
});
