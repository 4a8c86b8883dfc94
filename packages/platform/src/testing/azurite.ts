/**
 * Azurite for tests and the local host: starts the `azurite` npm package as a child
 * process on ephemeral loopback ports and hands back a connection string for it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { checkStorageReachable } from '../storage-probe.js';

// Azurite's well-known development account: a published constant, not a secret.
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const LISTENING = /Azurite (Blob|Queue|Table) service is successfully listening at (\S+)/;

/** Options for `startAzurite`. */
export interface StartAzuriteOptions {
  /**
   * A folder to persist data in. Without it, data lives in memory and is gone when
   * Azurite stops.
   */
  location?: string;
  /** How long to wait for all three services to listen; 15 s when absent. */
  startTimeoutMs?: number;
  /** The in-memory content limit in megabytes; 256 when absent. */
  extentMemoryLimitMb?: number;
}

/** A running Azurite. */
export interface RunningAzurite {
  /** A storage connection string for the blob, queue and table endpoints. */
  connectionString: string;
  /** The blob service port. */
  blobPort: number;
  /** The queue service port. */
  queuePort: number;
  /** The table service port. */
  tablePort: number;
  /** Stops Azurite and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts Azurite bound to 127.0.0.1 on ports the OS picks, and resolves once blob, queue
 * and table accept connections. Throws `Error` "Azurite did not start: ..." with the
 * reason (its output, exit code or the timeout) and leaves no process behind.
 */
export async function startAzurite(options: StartAzuriteOptions = {}): Promise<RunningAzurite> {
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const args = [
    azuriteEntryPoint(),
    ...['--blobHost', '127.0.0.1', '--blobPort', '0'],
    ...['--queueHost', '127.0.0.1', '--queuePort', '0'],
    ...['--tableHost', '127.0.0.1', '--tablePort', '0'],
    ...['--skipApiVersionCheck', '--loose', '--silent', '--disableTelemetry'],
    ...(options.location === undefined
      ? ['--inMemoryPersistence', '--extentMemoryLimit', String(options.extentMemoryLimitMb ?? 256)]
      : ['--location', options.location]),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });

  let ports: Map<string, number>;
  try {
    ports = await waitForPorts(child, startTimeoutMs);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }

  const endpoint = (service: string) => `http://127.0.0.1:${ports.get(service)}/${ACCOUNT}`;
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};` +
    `BlobEndpoint=${endpoint('Blob')};QueueEndpoint=${endpoint('Queue')};` +
    `TableEndpoint=${endpoint('Table')};`;
  try {
    await checkStorageReachable(connectionString, startTimeoutMs);
  } catch (error) {
    await stopProcess(child);
    throw new Error(`Azurite did not start: ${(error as Error).message}`, { cause: error });
  }

  return {
    connectionString,
    blobPort: ports.get('Blob') ?? 0,
    queuePort: ports.get('Queue') ?? 0,
    tablePort: ports.get('Table') ?? 0,
    stop: () => stopProcess(child),
  };
}

/** The path of Azurite's command-line entry point inside its installed package. */
function azuriteEntryPoint(): string {
  const manifest = createRequire(import.meta.url).resolve('azurite/package.json');
  return join(dirname(manifest), 'dist', 'src', 'azurite.js');
}

/** Reads Azurite's start-up lines until all three services report their port. */
function waitForPorts(child: ChildProcess, timeoutMs: number): Promise<Map<string, number>> {
  const ports = new Map<string, number>();
  let output = '';

  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      const tail = output.trim().split('\n').slice(-5).join(' | ');
      reject(new Error(`Azurite did not start: ${reason}${tail ? ` (output: ${tail})` : ''}`));
    };
    const timer = setTimeout(() => fail(`not listening after ${timeoutMs} ms`), timeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      for (const line of output.split('\n')) {
        const match = LISTENING.exec(line);
        if (match?.[1] && match[2]) ports.set(match[1], Number(new URL(match[2]).port));
      }
      if (ports.size === 3) {
        clearTimeout(timer);
        // Keep draining so a chatty Azurite never blocks on a full pipe.
        child.stdout?.off('data', read).resume();
        child.stderr?.off('data', read).resume();
        resolve(ports);
      }
    };

    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`it exited (${signal ?? `code ${code}`})`));
  });
}

/** Asks the process to stop, and kills it if it has not exited within 5 s. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();

  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
