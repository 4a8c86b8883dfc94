import { AuditLog, auditBlobService, TestClock, type AuditEvent } from '@hl7gw/platform';
import { startAzurite, type RunningAzurite } from '@hl7gw/platform/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { Output } from '../command.js';
import { main } from '../main.js';

const CONTAINER = 'hl7gw-audit';
const DAY = '2025-03-14';
const BLOB = 'audit/2025/03/14/deadletter-cli1.jsonl';
const EVENTS: AuditEvent[] = [
  {
    actor: 'ops-team',
    action: 'deadletter.raw.read',
    resource: '01JP5T0Q2W3E4R5T6Y7U8I9O0P',
    outcome: 'success',
    ip: '10.0.0.8',
  },
  {
    actor: 'ops-team',
    action: 'deadletter.replay',
    resource: '01JP5T0Q2W3E4R5T6Y7U8I9O0P',
    outcome: 'success',
  },
  { actor: 'anonymous', action: 'auth.failure', outcome: 'denied', code: 'UNAUTHENTICATED' },
  {
    actor: 'ops-team',
    action: 'deadletter.purge',
    resource: '01JP5T0Q2W3E4R5T6Y7U8I9O0Q',
    outcome: 'success',
  },
];

let azurite: RunningAzurite;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const output: Output = { out: (text) => (out += text), err: (text) => (err += text) };
  const code = await main(argv, output);
  return { code, out, err };
}

beforeAll(async () => {
  azurite = await startAzurite();
  vi.stubEnv('AzureWebJobsStorage', azurite.connectionString);
  vi.stubEnv('HL7GW_AUDIT_CONTAINER', '');

  const clock = new TestClock(`${DAY}T08:00:00Z`);
  const storage = {
    kind: 'connection-string',
    connectionString: azurite.connectionString,
  } as const;
  const writers = ['deadletter-cli1', 'ingest-cli2'].map((instance) =>
    AuditLog.fromConnection(storage, { instance, container: CONTAINER, clock }),
  );
  for (const event of EVENTS) {
    clock.advance(60_000);
    for (const writer of writers) await writer.append(event);
  }
  clock.set('2025-03-15T09:00:00Z');
  await writers[1]!.append(EVENTS[0]!);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await azurite?.stop();
});

describe('hl7gw audit verify', () => {
  it('reports an intact day with its blobs and entries, exit 0', async () => {
    const { code, out, err } = await run('audit', 'verify', '--date', DAY);

    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(`ok     ${BLOB} (4 entries verified)`);
    expect(out).toContain(`audit log of ${DAY} in hl7gw-audit: 2 blobs, 8 entries, chain intact`);
  });

  it('walks a range of days', async () => {
    const { code, out } = await run('audit', 'verify', '--from', DAY, '--to', '2025-03-16');

    expect(code).toBe(0);
    expect(out).toContain(
      '2025-03-14..2025-03-16 in hl7gw-audit: 3 blobs, 9 entries, chain intact',
    );
  });

  it('reports a single altered byte with its blob and line, exit 1', async () => {
    const blob = auditBlobService({
      kind: 'connection-string',
      connectionString: azurite.connectionString,
    })
      .getContainerClient(CONTAINER)
      .getAppendBlobClient(BLOB);
    const original = await blob.downloadToBuffer();
    const lines = original.toString('utf8').split('\n').slice(0, -1);
    // One byte of the third entry's time: 08:03:00 becomes 08:03:01.
    lines[2] = lines[2]!.replace('T08:03:00', 'T08:03:01');
    const altered = Buffer.from(lines.map((line) => `${line}\n`).join(''));
    expect(altered.length).toBe(original.length);
    expect(altered.filter((byte, index) => byte !== original[index])).toHaveLength(1);
    // Rewritten as the writer writes (an append blob, one block per line): only the chain can tell.
    await blob.delete();
    await blob.create();
    for (const line of lines) await blob.appendBlock(Buffer.from(`${line}\n`), line.length + 1);

    const { code, out, err } = await run('audit', 'verify', '--date', DAY);

    expect(code).toBe(1);
    expect(out).toContain(`BROKEN ${BLOB} (2 entries verified)`);
    expect(err).toBe(
      `audit chain broken: ${BLOB} line 3: hash-mismatch: ` +
        'the line does not match its own hash: it was changed\n',
    );
  });

  it.each([
    [['audit'], /unknown action/],
    [['audit', 'verify'], /give --date, or both --from and --to/],
    [['audit', 'verify', '--date', DAY, '--from', DAY], /give --date, or both/],
    [['audit', 'verify', '--date', '2025-02-30'], /a day must be YYYY-MM-DD/],
    [['audit', 'verify', '--from', '2025-03-02', '--to', '2025-03-01'], /ends before it starts/],
  ])('refuses %j with exit 2', async (argv, message) => {
    const { code, err } = await run(...argv);

    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it('names the missing storage setting, exit 2', async () => {
    vi.stubEnv('AzureWebJobsStorage', '');
    try {
      const { code, err } = await run('audit', 'verify', '--date', DAY);
      expect(code).toBe(2);
      expect(err).toMatch(/AzureWebJobsStorage/);
    } finally {
      vi.stubEnv('AzureWebJobsStorage', azurite.connectionString);
    }
  });
});
