import { describe, expect, it } from 'vitest';

import {
  auditBlobName,
  auditDayPrefix,
  formatAuditEntry,
  genesisHash,
  readAuditLine,
  REDACTED_VALUE,
} from './audit-entry.js';
import { verifyAuditBlob } from './audit-verify.js';
import type { AuditEvent } from './audit-writer.js';

const NAME = 'audit/2025/03/14/deadletter-host1.jsonl';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A realistic day: an operator reads raw content, replays, purges, and one key is refused. */
const EVENTS: AuditEvent[] = [
  { actor: 'anonymous', action: 'auth.failure', outcome: 'denied', code: 'UNAUTHENTICATED' },
  {
    actor: 'ops-team',
    action: 'deadletter.raw.read',
    resource: '01JP5T0Q2W3E4R5T6Y7U8I9O0P',
    outcome: 'success',
    ip: '10.1.2.3',
    traceId: TRACE_ID,
  },
  {
    actor: 'ops-team',
    action: 'deadletter.replay',
    resource: '01JP5T0Q2W3E4R5T6Y7U8I9O0P',
    outcome: 'success',
  },
  {
    actor: 'ops-team',
    action: 'deadletter.purge',
    resource: '01JP5T0Q2W3E4R5T6Y7U8I9O0Q',
    outcome: 'success',
  },
  {
    actor: 'lab-riverside',
    action: 'message.status.read',
    resource: '01JP5T0Q2W3E4R5T6Y7U8I9O0R',
    outcome: 'failure',
    code: 'NOT_FOUND',
  },
];

/** The lines the writer would produce for `events`, each with its newline. */
function day(events: AuditEvent[] = EVENTS, name = NAME): string[] {
  let prev = genesisHash(name);
  return events.map((event, seq) => {
    const at = new Date(Date.parse('2025-03-14T08:00:00Z') + seq * 60_000);
    const { line, hash } = formatAuditEntry(event, seq, at, prev);
    prev = hash;
    return `${line}\n`;
  });
}

function verify(lines: string[], blocks = lines.length, name = NAME) {
  return verifyAuditBlob(name, Buffer.from(lines.join(''), 'utf8'), {
    blobType: 'AppendBlob',
    committedBlockCount: blocks,
  });
}

describe('audit entries', () => {
  it('chain each line to the one before through its hash', () => {
    const lines = day();
    const entries = lines.map((line) => readAuditLine(line.slice(0, -1)));

    expect(entries.every((read) => 'entry' in read)).toBe(true);
    const [first, second] = entries as { entry: { prev: string; hash: string; seq: number } }[];
    expect(first?.entry.prev).toBe(genesisHash(NAME));
    expect(second?.entry.prev).toBe(first?.entry.hash);
    expect(second?.entry.seq).toBe(1);
  });

  it('keep who, what, resource, when, where, outcome, code and trace id', () => {
    const read = readAuditLine(day()[1]!.slice(0, -1));

    expect(read).toMatchObject({
      entry: {
        v: 1,
        seq: 1,
        at: '2025-03-14T08:01:00.000Z',
        actor: 'ops-team',
        action: 'deadletter.raw.read',
        resource: '01JP5T0Q2W3E4R5T6Y7U8I9O0P',
        outcome: 'success',
        ip: '10.1.2.3',
        traceId: TRACE_ID,
      },
    });
  });

  it('replace values that are not ids or codes, so no patient data can be written', () => {
    const event: AuditEvent = {
      actor: 'SMITH^JOHN',
      action: 'message.status.read',
      resource: '/api/v1/messages/Dafydd ap Llywelyn',
      outcome: 'denied',
      code: 'not a code',
      ip: '12 Heol y Bont, Caerdydd',
      traceId: '943 476 5919',
    };

    const { line } = formatAuditEntry(
      event,
      0,
      new Date('2025-03-14T08:00:00Z'),
      genesisHash(NAME),
    );

    for (const planted of ['SMITH', 'Dafydd', 'not a code', 'Heol', '943 476 5919']) {
      expect(line).not.toContain(planted);
    }
    expect(readAuditLine(line)).toMatchObject({
      entry: {
        actor: REDACTED_VALUE,
        resource: REDACTED_VALUE,
        code: REDACTED_VALUE,
        ip: REDACTED_VALUE,
        traceId: REDACTED_VALUE,
        redacted: ['actor', 'resource', 'code', 'ip', 'traceId'],
      },
    });
  });

  it('keep an IP address without its port', () => {
    const at = new Date('2025-03-14T08:00:00Z');
    const ip = (value: string) =>
      readAuditLine(formatAuditEntry({ ...EVENTS[0]!, ip: value }, 0, at, genesisHash(NAME)).line);

    expect(ip('192.0.2.7:51234')).toMatchObject({ entry: { ip: '192.0.2.7' } });
    expect(ip('[2001:db8::1]:443')).toMatchObject({ entry: { ip: '2001:db8::1' } });
    expect(ip('::1')).toMatchObject({ entry: { ip: '::1' } });
  });

  it('name blobs by UTC day and instance, and refuse days that do not exist', () => {
    expect(auditBlobName(new Date('2025-03-14T23:59:59.999Z'), 'ingest-a1')).toBe(
      'audit/2025/03/14/ingest-a1.jsonl',
    );
    expect(auditDayPrefix('2024-02-29')).toBe('audit/2024/02/29/');
    expect(() => auditDayPrefix('2025-02-29')).toThrow(RangeError);
    expect(() => auditDayPrefix('2025-3-14')).toThrow(RangeError);
  });
});

describe('verifyAuditBlob', () => {
  it('accepts an untouched day and an empty blob', () => {
    expect(verify(day())).toEqual({ blob: NAME, verifiedEntries: 5 });
    expect(verify([])).toEqual({ blob: NAME, verifiedEntries: 0 });
  });

  /** Flips the last hex digit of the line's own hash. */
  const flipHashDigit = (line: string) =>
    line.replace(/([0-9a-f])"\}\n$/, (_all, digit: string) => `${digit === '0' ? '1' : '0'}"}\n`);

  it.each([
    ['a letter of the action', 2, (line: string) => line.replace('replay', 'replaY')],
    ['a digit of the time', 3, (line: string) => line.replace('08:03:00', '08:03:01')],
    ['the outcome', 4, (line: string) => line.replace('"failure"', '"success"')],
    ['a digit of its own hash', 1, flipHashDigit],
  ])('finds a changed byte (%s) at its own line', (_what, index, change) => {
    const lines = day();
    const original = lines[index]!;
    lines[index] = change(original);
    expect(Buffer.from(lines[index]!).length).toBe(Buffer.from(original).length);
    expect(lines[index]).not.toBe(original);

    expect(verify(lines).break).toMatchObject({
      blob: NAME,
      line: index + 1,
      reason: 'hash-mismatch',
    });
  });

  it('finds a removed line at the line that no longer links', () => {
    const lines = day();
    lines.splice(2, 1);

    expect(verify(lines).break).toMatchObject({ line: 3, reason: 'broken-link' });
  });

  it('finds a removed first line, since the new first line does not link to genesis', () => {
    expect(verify(day().slice(1)).break).toMatchObject({ line: 1, reason: 'broken-link' });
  });

  it('finds reordered lines', () => {
    const lines = day();
    [lines[1], lines[2]] = [lines[2]!, lines[1]!];

    expect(verify(lines).break).toMatchObject({ line: 2, reason: 'broken-link' });
  });

  it('finds a line cut short at the end', () => {
    const text = day().join('');

    const report = verifyAuditBlob(NAME, Buffer.from(text.slice(0, -40)), {
      blobType: 'AppendBlob',
      committedBlockCount: 5,
    });

    expect(report.break).toMatchObject({ line: 5, reason: 'truncated' });
    expect(report.verifiedEntries).toBe(4);
  });

  it('finds whole lines missing from the end by the block count', () => {
    expect(verify(day().slice(0, 3), 5).break).toMatchObject({ line: 4, reason: 'block-count' });
  });

  it('accepts entries grouped into fewer appends than lines, as the writer groups them', () => {
    expect(verify(day(), 2).break).toBeUndefined();
  });

  it('finds a blob rewritten as a block blob', () => {
    const report = verifyAuditBlob(NAME, Buffer.from(day().join('')), { blobType: 'BlockBlob' });
    expect(report.break).toMatchObject({ line: 0, reason: 'not-append-blob' });
  });

  it('finds a blob copied under another name, since genesis is bound to the name', () => {
    const other = 'audit/2025/03/14/deadletter-host2.jsonl';

    expect(verify(day(), 5, other).break).toMatchObject({ line: 1, reason: 'broken-link' });
  });

  it('finds an entry dated on another day than its blob', () => {
    const name = 'audit/2025/03/15/deadletter-host1.jsonl';

    expect(verify(day(EVENTS, name), 5, name).break).toMatchObject({
      line: 1,
      reason: 'wrong-day',
    });
  });

  it('finds a line that is not an entry', () => {
    const lines = day();
    lines.splice(1, 0, '{"note":"inserted"}\n');

    expect(verify(lines).break).toMatchObject({ line: 2, reason: 'malformed' });
  });
});
