/**
 * The host and the broker as child processes, for the tests that kill or stop them in the
 * middle of a run while the rest of the gateway stays up in the test process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { REPO_ROOT } from './broker-config.js';

/** A child process that printed the line a test waits for. */
export interface Child {
  /** The process. */
  process: ChildProcess;
  /** What the child printed to say it is ready, without the prefix. */
  ready: string;
  /** Sends `signal` and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Spawns `node <args>` with `env` and waits for a stdout line matching `ready`; rejects with
 * the child's stderr when it exits first or after `timeoutMs`.
 */
async function spawnNode(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 20_000,
): Promise<Child> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
    if (process.env.HL7GW_TEST_HOST_LOG) process.stderr.write(chunk);
  });
  const exited = once(child, 'exit');

  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args[0]} not ready after ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (text) => {
      const match = ready.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? text);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited (${code ?? signal}) before it was ready: ${stderr}`));
    });
  });

  return {
    process: child,
    ready: line,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** The host running `apps` in a child process; `ready` is its base URL. */
export function startHostProcess(apps: URL[], env: Record<string, string>): Promise<Child> {
  const script = fileURLToPath(new URL('./host-process.mjs', import.meta.url));
  return spawnNode([script, ...apps.map((url) => fileURLToPath(url))], env, /^listening (\S+)/);
}

/**
 * The broker's own command (`servicebus-local`) in a child process on `port` (0 picks one)
 * with `dataDir`; `ready` is its connection string. `env` adds variables (the load run's
 * memory probe).
 */
export function startBrokerProcess(
  configPath: string,
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
): Promise<Child> {
  const bin = fileURLToPath(
    new URL('packages/servicebus-local/bin/servicebus-local.js', REPO_ROOT),
  );
  const args = [bin, '--config', configPath, '--data', dataDir, '--port', String(port)];
  return spawnNode(args, env, /^(Endpoint=\S+)/);
}

/** The port in a broker connection string. */
export function portOf(connectionString: string): number {
  const match = /Endpoint=sb:\/\/[^:;]+:(\d+)/.exec(connectionString);
  if (!match) throw new Error('no port in the connection string');
  return Number(match[1]);
}
