import { createServer, type Server } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isPlatformError } from './errors.js';
import { checkStorageReachable, storageEndpoints } from './storage-probe.js';

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** A loopback port with nothing listening: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const free = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return free;
}

describe('storageEndpoints', () => {
  it.each([
    ['UseDevelopmentStorage=true', ['127.0.0.1:10000', '127.0.0.1:10001', '127.0.0.1:10002']],
    [
      'DefaultEndpointsProtocol=http;AccountName=a;AccountKey=k;BlobEndpoint=http://127.0.0.1:1/a;TableEndpoint=http://127.0.0.1:2/a;',
      ['127.0.0.1:1', '127.0.0.1:2'],
    ],
    [
      'DefaultEndpointsProtocol=https;AccountName=gwstore;AccountKey=k;EndpointSuffix=core.windows.net',
      ['gwstore.blob.core.windows.net', 'gwstore.table.core.windows.net'],
    ],
    ['SharedAccessSignature=sv=x', []],
  ])('reads %s', (connectionString, hosts) => {
    expect(storageEndpoints(connectionString).map((url) => url.host)).toEqual(hosts);
  });
});

describe('checkStorageReachable', () => {
  it('resolves when every endpoint accepts a connection', async () => {
    await checkStorageReachable(`BlobEndpoint=http://127.0.0.1:${port}/a;`, 2_000);
  });

  it('fails fast naming the endpoint, never the key', async () => {
    const down = await closedPort();
    const connectionString = `AccountKey=s3cret;BlobEndpoint=http://127.0.0.1:${down}/a;`;

    const error = await checkStorageReachable(connectionString, 2_000).catch((e: unknown) => e);

    expect(isPlatformError(error) && error.code).toBe('STORAGE_UNAVAILABLE');
    expect((error as Error).message).toContain(`127.0.0.1:${down}`);
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('refuses a connection string that names no endpoint', async () => {
    const error = await checkStorageReachable('SharedAccessSignature=x').catch((e: unknown) => e);

    expect(isPlatformError(error) && error.code).toBe('CONFIG_INVALID');
  });
});
