/**
 * CORS on the local host with an allow-list: every app registers the preflight route, the
 * host answers it once, and only listed origins get CORS headers, on preflights and on
 * answers alike. (Off by default: `access.test.ts` checks no CORS header is sent then.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startGateway, type Gateway } from '../support/gateway.js';

const PORTAL = 'https://portal.example.org';

let gateway: Gateway;

beforeAll(async () => {
  gateway = await startGateway({ env: { HL7GW_CORS_ORIGINS: PORTAL } });
});

afterAll(async () => {
  await gateway?.stop();
});

function preflight(origin: string): Promise<Response> {
  return fetch(`${gateway.api}/v1/messages`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'x-api-key, content-type',
    },
  });
}

describe('CORS with an allow-list', () => {
  it('lets a listed origin send credentials headers, and tells others nothing', async () => {
    const allowed = await preflight(PORTAL);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('x-api-key');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');

    const other = await preflight('https://elsewhere.example.net');
    expect(other.status).toBe(204);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('adds the allow and expose headers to answers for a listed origin only', async () => {
    const read = (origin: string) =>
      fetch(`${gateway.api}/v1/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV`, {
        headers: { origin, 'x-api-key': gateway.apiKey },
      });
    const listed = await read(PORTAL);
    await listed.arrayBuffer();
    expect(listed.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(listed.headers.get('access-control-expose-headers')).toContain('retry-after');

    const unlisted = await read('https://elsewhere.example.net');
    await unlisted.arrayBuffer();
    expect(unlisted.headers.get('access-control-allow-origin')).toBeNull();
  });
});
