import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readAuditLine, type AuditEntry } from './audit-entry.js';
import { AuditLog, parseAuditSettings } from './audit-log.js';
import { AuditVerifier } from './audit-verify.js';
import type { AuditEvent } from './audit-writer.js';
import { TestClock } from './clock.js';
import { isPlatformError } from './errors.js';
import { FAST_STORAGE_RETRY } from './testing/fast-retry.js';
import { startAzurite, type RunningAzurite } from './testing/azurite.js';

const CONTAINER = 'audit-log-test';
const REPLAY: AuditEvent = {
  actor: 'ops-team',
  action: 'deadletter.replay',
  resource: '01JP5T0Q2W3E4R5T6Y7U8I9O0P',
  outcome: 'success',
  ip: '10.0.0.8',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
};

let azurite: RunningAzurite;
let container: ContainerClient;

beforeAll(async () => {
  azurite = await startAzurite();
  container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
    CONTAINER,
  );
});

afterAll(async () => {
  await azurite?.stop();
});

function log(instance: string, clock: TestClock): AuditLog {
  return AuditLog.fromConnection(
    { kind: 'connection-string', connectionString: azurite.connectionString },
    { instance, container: CONTAINER, clock, retry: FAST_STORAGE_RETRY },
  );
}

function verifier(): AuditVerifier {
  return AuditVerifier.fromConnection(
    { kind: 'connection-string', connectionString: azurite.connectionString },
    { container: CONTAINER, retry: FAST_STORAGE_RETRY },
  );
}

async function entries(name: string): Promise<AuditEntry[]> {
  const text = (await container.getBlobClient(name).downloadToBuffer()).toString('utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const read = readAuditLine(line);
      if (!('entry' in read)) throw new Error(`line is ${read.problem}`);
      return read.entry;
    });
}

describe('AuditLog against Azurite', () => {
  it('appends chained entries to an append blob per instance and day', async () => {
    const clock = new TestClock('2025-03-14T09:00:00Z');
    const audit = log('deadletter-a', clock);

    await audit.append(REPLAY);
    clock.advance(1_000);
    await audit.append({
      actor: 'anonymous',
      action: 'auth.failure',
      outcome: 'denied',
      code: 'UNAUTHENTICATED',
    });

    const name = 'audit/2025/03/14/deadletter-a.jsonl';
    const properties = await container.getBlobClient(name).getProperties();
    expect(properties.blobType).toBe('AppendBlob');
    expect(properties.blobCommittedBlockCount).toBe(2);
    const [first, second] = await entries(name);
    expect(first).toMatchObject({ seq: 0, at: '2025-03-14T09:00:00.000Z', ...REPLAY });
    expect(second).toMatchObject({ seq: 1, prev: first?.hash, code: 'UNAUTHENTICATED' });
    expect((await verifier().verifyDay('2025-03-14')).firstBreak).toBeUndefined();
  });

  it('starts a new chain in a new blob when the UTC day changes', async () => {
    const clock = new TestClock('2025-03-15T23:59:59.500Z');
    const audit = log('ingest-a', clock);

    await audit.append(REPLAY);
    clock.advance(1_000);
    await audit.append(REPLAY);

    expect(await entries('audit/2025/03/15/ingest-a.jsonl')).toHaveLength(1);
    expect(await entries('audit/2025/03/16/ingest-a.jsonl')).toMatchObject([{ seq: 0 }]);
    const report = await verifier().verifyRange('2025-03-15', '2025-03-16');
    expect(report.blobs.map((blob) => [blob.blob, blob.verifiedEntries])).toEqual([
      ['audit/2025/03/15/ingest-a.jsonl', 1],
      ['audit/2025/03/16/ingest-a.jsonl', 1],
    ]);
    expect(report.firstBreak).toBeUndefined();
  });

  it('serialises concurrent appends of one instance into one unbroken chain', async () => {
    const audit = log('deadletter-b', new TestClock('2025-03-17T10:00:00Z'));

    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        audit.append({
          ...REPLAY,
          resource: `01JP5T0Q2W3E4R5T6Y7U8I9${String(index).padStart(3, '0')}`,
        }),
      ),
    );

    const name = 'audit/2025/03/17/deadletter-b.jsonl';
    const written = await entries(name);
    expect(written.map((entry) => entry.seq)).toEqual([...Array(40).keys()]);
    // Entries that waited for an append in flight were written together with the next.
    const { blobCommittedBlockCount } = await container.getBlobClient(name).getProperties();
    expect(blobCommittedBlockCount).toBeLessThan(40);
    // Appends keep their call order, so an operator reads the day as it happened.
    expect(written.map((entry) => entry.resource?.slice(-3))).toEqual(
      [...Array(40).keys()].map((index) => String(index).padStart(3, '0')),
    );
    expect((await verifier().verifyDay('2025-03-17')).firstBreak).toBeUndefined();
  });

  it('keeps instances apart, and re-links when two writers share a blob', async () => {
    const clock = new TestClock('2025-03-18T10:00:00Z');
    const first = log('processor-x', clock);
    const second = log('processor-x', clock);
    const other = log('processor-y', clock);

    for (let round = 0; round < 5; round++) {
      await Promise.all([first.append(REPLAY), second.append(REPLAY), other.append(REPLAY)]);
    }

    expect(await entries('audit/2025/03/18/processor-x.jsonl')).toHaveLength(10);
    expect(await entries('audit/2025/03/18/processor-y.jsonl')).toHaveLength(5);
    const report = await verifier().verifyDay('2025-03-18');
    expect(report.blobs.map((blob) => blob.verifiedEntries)).toEqual([10, 5]);
    expect(report.firstBreak).toBeUndefined();
  });

  it('resumes the chain of an existing blob after a restart', async () => {
    const clock = new TestClock('2025-03-19T10:00:00Z');
    await log('ingest-r', clock).append(REPLAY);
    await log('ingest-r', clock).append(REPLAY);

    const written = await entries('audit/2025/03/19/ingest-r.jsonl');
    expect(written.map((entry) => entry.seq)).toEqual([0, 1]);
    expect(written[1]?.prev).toBe(written[0]?.hash);
  });

  it('refuses to continue a blob whose last line was tampered with', async () => {
    const clock = new TestClock('2025-03-20T10:00:00Z');
    const name = 'audit/2025/03/20/ingest-t.jsonl';
    await log('ingest-t', clock).append(REPLAY);
    const forged = Buffer.from('{"not":"an entry"}\n');
    await container.getAppendBlobClient(name).appendBlock(forged, forged.length);

    const failure = await log('ingest-t', clock)
      .append(REPLAY)
      .catch((error: unknown) => error);

    expect(isPlatformError(failure) && failure.code).toBe('CONFLICT');
    expect((await verifier().verifyDay('2025-03-20')).firstBreak).toMatchObject({
      blob: name,
      line: 2,
      reason: 'malformed',
    });
  });

  it('reports a single altered byte in a day stored in Azurite', async () => {
    const clock = new TestClock('2025-03-21T10:00:00Z');
    const audit = log('deadletter-z', clock);
    for (let index = 0; index < 6; index++) {
      clock.advance(60_000);
      await audit.append(REPLAY);
    }
    const name = 'audit/2025/03/21/deadletter-z.jsonl';
    const lines = (await container.getBlobClient(name).downloadToBuffer()).toString().split('\n');
    lines.pop();
    // An editor that keeps the blob an append blob of one block per line, so only the
    // chain itself can give the change away.
    lines[3] = lines[3]!.replace('"outcome":"success"', '"outcome":"failure"');
    const blob = container.getAppendBlobClient(name);
    await blob.delete();
    await blob.create();
    for (const line of lines) await blob.appendBlock(Buffer.from(`${line}\n`), line.length + 1);

    const report = await verifier().verifyDay('2025-03-21');

    expect(report.firstBreak).toMatchObject({ blob: name, line: 4, reason: 'hash-mismatch' });
    expect(report.blobs[0]?.verifiedEntries).toBe(3);
  });

  it('reads no days and no blobs as a clean, empty result', async () => {
    expect(await verifier().verifyDay('2024-01-01')).toEqual({ days: ['2024-01-01'], blobs: [] });
    const empty = AuditVerifier.fromConnection(
      { kind: 'connection-string', connectionString: azurite.connectionString },
      { container: 'no-such-audit-container', retry: FAST_STORAGE_RETRY },
    );
    expect((await empty.verifyDay('2024-01-01')).blobs).toEqual([]);
    await expect(verifier().verifyRange('2025-03-02', '2025-03-01')).rejects.toThrow(RangeError);
  });
});

describe('parseAuditSettings', () => {
  it('names the instance after the app and the host instance', () => {
    expect(
      parseAuditSettings({ WEBSITE_INSTANCE_ID: 'a1b2c3d4e5f6a7b8c9d0e1f2' }, 'ingest'),
    ).toEqual({
      container: 'hl7gw-audit',
      instance: 'ingest-a1b2c3d4e5f6a7b8',
    });
    expect(
      parseAuditSettings(
        { HL7GW_AUDIT_INSTANCE: 'blue', HL7GW_AUDIT_CONTAINER: 'audit-prod' },
        'deadletter',
      ),
    ).toEqual({ container: 'audit-prod', instance: 'deadletter-blue' });
    expect(parseAuditSettings({}, 'processor').instance).toMatch(/^processor-[\w-]+-\d+$/);
  });

  it('names the setting at fault', () => {
    expect(() => parseAuditSettings({ HL7GW_AUDIT_CONTAINER: 'Bad_Name' }, 'ingest')).toThrow(
      /HL7GW_AUDIT_CONTAINER/,
    );
    expect(() => parseAuditSettings({ HL7GW_AUDIT_INSTANCE: '../x' }, 'ingest')).toThrow(
      /HL7GW_AUDIT_INSTANCE/,
    );
  });
});
