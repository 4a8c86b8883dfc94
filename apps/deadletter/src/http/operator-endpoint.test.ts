import { HttpRequest, InvocationContext } from '@azure/functions';
import { createRouteSecurity, hashApiKey, PlatformError, type AuditEvent } from '@hl7gw/platform';
import { captureLogs } from '@hl7gw/platform/testing';
import { describe, expect, it } from 'vitest';

import type { Deps } from '../deps.js';
import { operatorEndpoint } from './operator-endpoint.js';

const KEY = 'operator-endpoint-test-key-0123456789';
const RAW = 'MSH|^~\\&|LAB|CARDIFF|GW|TRUST|20250314||ORU^R01|C1|P|2.5.1\rPID|1||9434765919';

/** The three collaborators the edge uses; the audit log's storage is down when `down`. */
function deps(down: boolean) {
  const written: AuditEvent[] = [];
  const logs = captureLogs('info');
  const audit = {
    append: async (event: AuditEvent) => {
      if (down) throw new PlatformError('STORAGE_UNAVAILABLE', 'storage operation failed');
      written.push(event);
    },
  };
  const partial = {
    logger: logs.logger,
    security: createRouteSecurity(
      {
        HL7GW_API_KEYS: JSON.stringify([
          {
            clientId: 'ops',
            roles: ['DeadLetters.Manage'],
            facilities: [],
            keyHashes: [hashApiKey(KEY)],
          },
        ]),
      },
      { logger: logs.logger },
    ),
    audit,
  };
  return { deps: partial as unknown as Deps, written, logs };
}

function request(apiKey?: string): HttpRequest {
  return new HttpRequest({
    method: 'GET',
    url: 'http://127.0.0.1/api/v1/deadletters/P1?include=raw',
    headers: apiKey === undefined ? {} : { 'x-api-key': apiKey },
    params: { id: 'P1' },
  });
}

describe('operatorEndpoint', () => {
  it('releases audited content only once its entry is written', async () => {
    const { deps: up, written } = deps(false);
    const handler = operatorEndpoint(up, async (_request, operator) => {
      operator.auditAs('deadletter.raw.read', 'P1');
      return { status: 200, jsonBody: { raw: RAW } };
    });

    expect((await handler(request(KEY), new InvocationContext())).status).toBe(200);
    expect(written).toMatchObject([
      { actor: 'ops', action: 'deadletter.raw.read', resource: 'P1', outcome: 'success' },
    ]);
  });

  it('withholds audited content with a 503 when the audit log is down', async () => {
    const { deps: down, logs } = deps(true);
    const handler = operatorEndpoint(down, async (_request, operator) => {
      operator.auditAs('deadletter.raw.read', 'P1');
      return { status: 200, jsonBody: { raw: RAW } };
    });

    const answer = await handler(request(KEY), new InvocationContext());

    expect(answer.status).toBe(503);
    expect(answer.jsonBody).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    expect(JSON.stringify(answer)).not.toContain('9434765919');
    expect(logs.text()).not.toContain('9434765919');
  });

  it('still answers 401 when the audit log is down, and logs that the entry is missing', async () => {
    const { deps: down, logs } = deps(true);
    const handler = operatorEndpoint(down, async () => ({ status: 200 }));

    const answer = await handler(request(), new InvocationContext());

    expect(answer.status).toBe(401);
    expect(logs.lines().some((line) => line.msg === 'audit entry not written')).toBe(true);
  });
});
