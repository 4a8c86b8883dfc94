/**
 * A quick reachability check for storage. Without one, the storage SDKs retry a refused
 * connection for minutes before failing; a host or a test suite wants a clear answer in
 * seconds ("is Azurite running?").
 */
import { connect } from 'node:net';

import { PlatformError } from './errors.js';

/**
 * Resolves when every endpoint of a storage connection string (blob, table, queue, or
 * those implied by `AccountName`) accepts a TCP connection within `timeoutMs`. Throws
 * `PlatformError` `STORAGE_UNAVAILABLE` naming the endpoint (never the key) otherwise,
 * and `CONFIG_INVALID` when the connection string names no endpoint.
 */
export async function checkStorageReachable(
  connectionString: string,
  timeoutMs = 2_000,
): Promise<void> {
  const endpoints = storageEndpoints(connectionString);
  if (endpoints.length === 0) {
    throw new PlatformError('CONFIG_INVALID', 'the storage connection string names no endpoint');
  }
  await Promise.all(endpoints.map((endpoint) => probe(endpoint, timeoutMs)));
}

/** The endpoint URLs a storage connection string names, explicit or implied. */
export function storageEndpoints(connectionString: string): URL[] {
  const settings = new Map<string, string>();
  for (const pair of connectionString.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0) settings.set(pair.slice(0, at).trim().toLowerCase(), pair.slice(at + 1).trim());
  }

  if (settings.get('usedevelopmentstorage') === 'true') {
    return [10000, 10001, 10002].map((port) => new URL(`http://127.0.0.1:${port}`));
  }
  const explicit = ['blobendpoint', 'queueendpoint', 'tableendpoint']
    .map((key) => settings.get(key))
    .filter((value): value is string => value !== undefined && value !== '');
  if (explicit.length > 0) return explicit.map((value) => new URL(value));

  const account = settings.get('accountname');
  if (account === undefined) return [];
  const suffix = settings.get('endpointsuffix') ?? 'core.windows.net';
  return ['blob', 'table'].map((service) => new URL(`https://${account}.${service}.${suffix}`));
}

function probe(endpoint: URL, timeoutMs: number): Promise<void> {
  const port = Number(endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80));
  const host = endpoint.hostname;

  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const fail = (reason: string, cause?: unknown) => {
      socket.destroy();
      const message = `storage is not reachable at ${host}:${port}: ${reason}`;
      reject(new PlatformError('STORAGE_UNAVAILABLE', message, { cause }));
    };

    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs} ms`));
    socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'error', error));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
  });
}
