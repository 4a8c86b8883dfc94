import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BlobStore, parkedBlobName, rawBlobName } from './blob-store.js';
import { isPlatformError } from './errors.js';
import { FAST_STORAGE_RETRY } from './testing/fast-retry.js';
import { startAzurite, type RunningAzurite } from './testing/azurite.js';

const ID = '01HRZ8J3K5W6X7Y8Z9A0B1C2D3';
const RAW = 'MSH|^~\\&|LAB|RIVERSIDE|GW|TRUST|20240315101500||ORU^R01|C0001|P|2.5.1\rPID|1';

let azurite: RunningAzurite;
let store: BlobStore;

beforeAll(async () => {
  azurite = await startAzurite();
  store = BlobStore.fromConnection(
    { kind: 'connection-string', connectionString: azurite.connectionString },
    { container: 'blob-store-test', retry: FAST_STORAGE_RETRY },
  );
});

afterAll(async () => {
  await azurite?.stop();
});

async function errorCode(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
  } catch (error) {
    if (isPlatformError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a PlatformError');
}

describe('BlobStore against Azurite', () => {
  it('archives raw messages by receipt date and reads them back byte for byte', async () => {
    const latin1 = Buffer.from('MSH|^~\\&|LAB\rPID|1||||M\xfcller', 'latin1');

    const ref = await store.putRaw(ID, new Date('2024-03-05T23:59:59.000Z'), latin1);

    expect(ref).toEqual({
      container: 'blob-store-test',
      name: `raw/2024/03/05/${ID}.hl7`,
      sizeBytes: latin1.byteLength,
    });
    expect(await store.get(ref)).toEqual(latin1);
  });

  it('stores and fetches a claim check, then deletes it', async () => {
    const large = RAW + '\rOBX|1|TX|||' + 'x'.repeat(300_000);

    const ref = await store.putClaimCheck(ID, large);

    expect(ref.name).toBe(`claims/${ID}.hl7`);
    expect(ref.sizeBytes).toBe(Buffer.byteLength(large));
    expect((await store.get(ref)).toString('utf8')).toBe(large);
    expect(await store.delete(ref)).toBe(true);
    expect(await store.delete(ref)).toBe(false);
  });

  it('parks dead letters and purges them', async () => {
    await store.putParked(ID, RAW);

    expect((await store.getParked(ID)).toString('utf8')).toBe(RAW);
    expect(await store.deleteParked(ID)).toBe(true);
    expect(await errorCode(() => store.getParked(ID))).toBe('NOT_FOUND');
  });

  it('refuses a reference to another container', async () => {
    const ref = { container: 'elsewhere', name: 'raw/x.hl7', sizeBytes: 1 };

    expect(await errorCode(() => store.get(ref))).toBe('CONFLICT');
  });

  it('keeps ids from escaping their prefix', () => {
    expect(() => rawBlobName('../etc', new Date())).toThrow(RangeError);
    expect(() => parkedBlobName('a/b')).toThrow(RangeError);
  });

  it('reports storage that is down as STORAGE_UNAVAILABLE, quickly', async () => {
    const down = BlobStore.fromConnection(
      {
        kind: 'connection-string',
        connectionString: azurite.connectionString.replace(
          `127.0.0.1:${azurite.blobPort}`,
          '127.0.0.1:1',
        ),
      },
      { retry: { maxRetries: 0, tryTimeoutMs: 2_000, retryDelayMs: 10 } },
    );

    expect(await errorCode(() => down.putRaw(ID, new Date(), RAW))).toBe('STORAGE_UNAVAILABLE');
  });
});
