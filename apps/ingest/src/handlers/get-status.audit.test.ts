/**
 * Status reads and refused keys are written to the audit log: the handlers called as the
 * Functions host calls them, on a real Azurite, with the real `AuditLog`.
 */
import { HttpRequest, InvocationContext } from '@azure/functions';
import {
  auditBlobService,
  newGatewayId,
  readAuditLine,
  type AuditEntry,
  type StorageConnection,
} from '@hl7gw/platform';
import { startAzurite, type RunningAzurite } from '@hl7gw/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDeps, type Deps } from '../deps.js';
import { DEV_CLIENT_ID } from '../settings.js';
import { createGetMessageStatus } from './get-status.js';

// Status reads never reach the bus; the setting is still required.
const UNUSED_BUS =
  'Endpoint=sb://127.0.0.1:1/;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true';
const API_KEY = 'status-audit-test-key-0123456789';

let azurite: RunningAzurite;
let deps: Deps;

beforeAll(async () => {
  azurite = await startAzurite();
  deps = createDeps({
    AzureWebJobsStorage: azurite.connectionString,
    ServiceBusConnection: UNUSED_BUS,
    HL7GW_DEV_API_KEY: API_KEY,
    HL7GW_LOG_LEVEL: 'silent',
    HL7GW_AUDIT_INSTANCE: 'status-test',
  });
}, 30_000);

afterAll(async () => {
  await deps?.close();
  await azurite?.stop();
});

function read(id: string, apiKey?: string): Promise<{ status?: number }> {
  const headers: Record<string, string> = { 'x-forwarded-for': '198.51.100.20' };
  if (apiKey !== undefined) headers['x-api-key'] = apiKey;
  const request = new HttpRequest({
    method: 'GET',
    url: `http://127.0.0.1/api/v1/messages/${id}`,
    headers,
    params: { id },
  });
  return createGetMessageStatus(deps)(request, new InvocationContext({ invocationId: 't' }));
}

async function trail(): Promise<AuditEntry[]> {
  const storage: StorageConnection = {
    kind: 'connection-string',
    connectionString: azurite.connectionString,
  };
  const container = auditBlobService(storage).getContainerClient('hl7gw-audit');
  const lines: string[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: 'audit/' })) {
    const text = (await container.getBlobClient(blob.name).downloadToBuffer()).toString('utf8');
    lines.push(...text.split('\n').filter(Boolean));
  }
  return lines.map((line) => (readAuditLine(line) as { entry: AuditEntry }).entry);
}

describe('GET /api/v1/messages/{id} and the audit log', () => {
  it('records the read, the unknown id and the refused key, each with caller and trace', async () => {
    const id = newGatewayId();
    await deps.statuses.create(id, { clientId: DEV_CLIENT_ID, controlId: 'AUD-1' });

    expect((await read(id, API_KEY)).status).toBe(200);
    expect((await read(newGatewayId(), API_KEY)).status).toBe(404);
    expect((await read(id, 'wrong-key')).status).toBe(401);

    const entries = await trail();
    expect(
      entries.map(({ actor, action, outcome, code, ip }) => ({ actor, action, outcome, code, ip })),
    ).toEqual([
      {
        actor: DEV_CLIENT_ID,
        action: 'message.status.read',
        outcome: 'success',
        code: undefined,
        ip: '198.51.100.20',
      },
      {
        actor: DEV_CLIENT_ID,
        action: 'message.status.read',
        outcome: 'failure',
        code: 'NOT_FOUND',
        ip: '198.51.100.20',
      },
      {
        actor: 'anonymous',
        action: 'auth.failure',
        outcome: 'denied',
        code: 'UNAUTHENTICATED',
        ip: '198.51.100.20',
      },
    ]);
    expect(entries[0]?.resource).toBe(id);
    expect(entries[2]?.resource).toBe('getMessageStatus');
    expect(JSON.stringify(entries)).not.toContain('AUD-1');
  });
});
