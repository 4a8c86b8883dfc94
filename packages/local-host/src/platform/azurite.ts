/**
 * Starts Azurite (blob, queue and table storage) as a child process from the `azurite`
 * package's own entry point, on the loopback interface, with telemetry off, and waits
 * until every service accepts connections; fails fast with the process's last output.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { HostError } from '../host-error.js';
import { waitForPort } from './port-probe.js';

/** Where Azurite keeps its data and which ports it serves (0 picks free ports). */
export interface AzuriteOptions {
  location: string;
  blobPort?: number;
  queuePort?: number;
  tablePort?: number;
  startTimeoutMs?: number;
}

/** A running Azurite. */
export interface RunningAzurite {
  blobPort: number;
  queuePort: number;
  tablePort: number;
  /** A storage connection string for the well-known development account. */
  connectionString: string;
  /** Stops the process and waits for it to exit. */
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
// Azurite's well-known development account: public constants, not secrets.
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const LISTENING =
  /Azurite (Blob|Queue|Table) service is successfully listening at http:\/\/[^:]+:(\d+)/;
const OUTPUT_LINES_KEPT = 20;

function azuriteEntryPoint(): string {
  const require = createRequire(import.meta.url);
  const packageJsonPath = require.resolve('azurite/package.json');
  const packageJson = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as {
    bin: Record<string, string>;
  };
  const bin = packageJson.bin.azurite;
  if (!bin)
    throw new HostError('PLATFORM_START_FAILED', 'the azurite package declares no azurite bin');
  return join(dirname(packageJsonPath), bin);
}

/** The connection string the storage SDKs use for Azurite on these ports. */
export function azuriteConnectionString(blobPort: number, queuePort: number, tablePort: number) {
  const endpoint = (port: number) => `http://${LOOPBACK}:${port}/${DEV_ACCOUNT}`;
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${DEV_ACCOUNT}`,
    `AccountKey=${DEV_KEY}`,
    `BlobEndpoint=${endpoint(blobPort)}`,
    `QueueEndpoint=${endpoint(queuePort)}`,
    `TableEndpoint=${endpoint(tablePort)}`,
  ].join(';');
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts Azurite and resolves once blob, queue and table accept connections.
 * @throws {HostError} PLATFORM_START_FAILED when the process exits, a port is taken, or it
 *   is not ready within `startTimeoutMs` (default 20 s); the message carries its last output.
 */
export async function startAzurite(options: AzuriteOptions): Promise<RunningAzurite> {
  await mkdir(options.location, { recursive: true });
  const args = [
    azuriteEntryPoint(),
    '--location',
    options.location,
    '--blobHost',
    LOOPBACK,
    '--blobPort',
    String(options.blobPort ?? 10000),
    '--queueHost',
    LOOPBACK,
    '--queuePort',
    String(options.queuePort ?? 10001),
    '--tableHost',
    LOOPBACK,
    '--tablePort',
    String(options.tablePort ?? 10002),
    '--skipApiVersionCheck',
    '--loose',
    '--silent',
    '--disableTelemetry',
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });

  const output: string[] = [];
  const ports = new Map<string, number>();
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (line.trim() === '') continue;
      output.push(line);
      if (output.length > OUTPUT_LINES_KEPT) output.shift();
      const listening = LISTENING.exec(line);
      if (listening?.[1] && listening[2]) ports.set(listening[1], Number(listening[2]));
    }
  };
  child.stdout.on('data', remember);
  child.stderr.on('data', remember);

  const failure = (why: string, cause?: unknown) =>
    new HostError(
      'PLATFORM_START_FAILED',
      `Azurite ${why}; its last output:\n${output.join('\n') || '(none)'}`,
      cause === undefined ? undefined : { cause },
    );

  const exited = new Promise<never>((_resolve, reject) => {
    child.once('error', (error) => reject(failure('could not be spawned', error)));
    child.once('exit', (code, signal) =>
      reject(failure(`exited (${signal ?? code}) while starting`)),
    );
  });
  const ready = (async () => {
    const timeoutMs = options.startTimeoutMs ?? 20_000;
    const deadline = Date.now() + timeoutMs;
    while (ports.size < 3) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw failure('exited while starting');
      if (Date.now() > deadline) throw failure(`was not listening within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    for (const port of ports.values()) {
      if (!(await waitForPort(LOOPBACK, port, Math.max(deadline - Date.now(), 1)))) {
        throw failure(`port ${port} does not accept connections`);
      }
    }
  })();

  // Whichever loses the race must not surface later as an unhandled rejection.
  ready.catch(() => undefined);
  exited.catch(() => undefined);
  try {
    await Promise.race([ready, exited]);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }

  const blobPort = ports.get('Blob') ?? 0;
  const queuePort = ports.get('Queue') ?? 0;
  const tablePort = ports.get('Table') ?? 0;
  return {
    blobPort,
    queuePort,
    tablePort,
    connectionString: azuriteConnectionString(blobPort, queuePort, tablePort),
    close: () => stopProcess(child),
  };
}
