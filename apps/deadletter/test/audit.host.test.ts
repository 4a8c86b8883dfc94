import {
  auditBlobService,
  AuditVerifier,
  DEFAULT_AUDIT_CONTAINER,
  readAuditLine,
  type AuditEntry,
  type StorageConnection,
} from '@hl7gw/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEV_CLIENT_ID } from '../src/deps.js';
import { deadLetterInbound, inbound, oru } from '../src/test-support/messages.js';
import { startLocalGateway, TEST_API_KEY, type LocalGateway } from './local-gateway.js';

let gateway: LocalGateway;
const startedDay = new Date().toISOString().slice(0, 10);
const CLIENT_IP = '203.0.113.7';

beforeAll(async () => {
  gateway = await startLocalGateway();
}, 40_000);

afterAll(async () => {
  await gateway?.stop();
});

async function call(method: string, path: string, apiKey: string | null = TEST_API_KEY) {
  const headers: Record<string, string> = { 'x-forwarded-for': `${CLIENT_IP}:50312` };
  if (apiKey !== null) headers['x-api-key'] = apiKey;
  const response = await fetch(`${gateway.api}${path}`, { method, headers });
  await response.arrayBuffer();
  return response.status;
}

function storage(): StorageConnection {
  return { kind: 'connection-string', connectionString: gateway.env.AzureWebJobsStorage ?? '' };
}

/** Every audit entry written today, from every blob, and the raw text they were read from. */
async function auditTrail(): Promise<{ entries: AuditEntry[]; text: string }> {
  const container = auditBlobService(storage()).getContainerClient(DEFAULT_AUDIT_CONTAINER);
  let text = '';
  for await (const blob of container.listBlobsFlat({ prefix: 'audit/' })) {
    text += (await container.getBlobClient(blob.name).downloadToBuffer()).toString('utf8');
  }
  const entries = text
    .split('\n')
    .filter(Boolean)
    .map((line) => (readAuditLine(line) as { entry: AuditEntry }).entry);
  return { entries, text };
}

describe('the operator API writes the audit log', () => {
  const facility = 'AUDIT LAB';
  const message = inbound(oru('AU-0001', facility, ''), facility, 'AU-0001');
  const id = message.envelope.id;

  it('records raw reads, replays, purges and refusals, hash-chained, without content', async () => {
    await deadLetterInbound(gateway.deps, message, 'VALIDATION_FAILED', 'PID-3 is required');
    await expect.poll(() => gateway.deps.parked.get(id), { timeout: 10_000 }).toBeDefined();

    expect(await call('GET', '/v1/deadletters', null)).toBe(401);
    expect(await call('GET', `/v1/deadletters/${id}?include=raw`)).toBe(200);
    expect(await call('POST', `/v1/deadletters/${id}/replay`)).toBe(202);
    expect(await call('DELETE', `/v1/deadletters/${id}`)).toBe(204);
    expect(await call('DELETE', `/v1/deadletters/${id}`)).toBe(404);

    const { entries, text } = await auditTrail();
    const mine = entries.filter((entry) => entry.ip === CLIENT_IP);
    expect(
      mine.map(({ actor, action, resource, outcome, code }) => ({
        actor,
        action,
        resource,
        outcome,
        code,
      })),
    ).toEqual([
      {
        actor: 'anonymous',
        action: 'auth.failure',
        resource: '/api/v1/deadletters',
        outcome: 'denied',
        code: 'UNAUTHENTICATED',
      },
      {
        actor: DEV_CLIENT_ID,
        action: 'deadletter.raw.read',
        resource: id,
        outcome: 'success',
        code: undefined,
      },
      {
        actor: DEV_CLIENT_ID,
        action: 'deadletter.replay',
        resource: id,
        outcome: 'success',
        code: undefined,
      },
      {
        actor: DEV_CLIENT_ID,
        action: 'deadletter.purge',
        resource: id,
        outcome: 'success',
        code: undefined,
      },
      {
        actor: DEV_CLIENT_ID,
        action: 'deadletter.purge',
        resource: id,
        outcome: 'failure',
        code: 'NOT_FOUND',
      },
    ]);
    expect(mine.every((entry) => /^[0-9a-f]{32}$/.test(entry.traceId ?? ''))).toBe(true);

    // The raw message went out in the answer; none of it may be in the trail.
    for (const segment of message.envelope.raw!.split('\r').filter(Boolean)) {
      expect(text).not.toContain(segment);
    }
    expect(text).not.toContain('MSH|');

    const today = new Date().toISOString().slice(0, 10);
    const verified = await AuditVerifier.fromConnection(storage()).verifyRange(startedDay, today);
    expect(verified.firstBreak).toBeUndefined();
    expect(verified.blobs.reduce((sum, blob) => sum + blob.verifiedEntries, 0)).toBe(
      entries.length,
    );
  });
});
