import { describe, expect, it } from 'vitest';

import { isGatewayError } from '../gateway-error.js';
import {
  ApiKeyDirectory,
  DEV_API_CLIENT_ID,
  hashApiKey,
  parseApiKeyClients,
} from './api-key-directory.js';
import { ALL_FACILITIES } from './principal.js';

const CURRENT = 'riverside-current-key-0001';
const NEXT = 'riverside-next-key-0002';

function clientsJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify([
    {
      clientId: 'lab-riverside',
      roles: ['Results.Submit', 'Results.Read'],
      facilities: ['RIVERSIDE'],
      keyHashes: [hashApiKey(CURRENT), hashApiKey(NEXT)],
      ...overrides,
    },
  ]);
}

function refusalOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return isGatewayError(error) ? error.code : String(error);
  }
  return 'no error';
}

describe('API-key clients', () => {
  it('accepts both active keys of a client during rotation, with its roles and facilities', () => {
    const directory = new ApiKeyDirectory(parseApiKeyClients({ HL7GW_API_KEYS: clientsJson() }));

    for (const key of [CURRENT, NEXT]) {
      const principal = directory.verify(key);
      expect(principal.id).toBe('lab-riverside');
      expect([...principal.roles]).toEqual(['Results.Submit', 'Results.Read']);
      expect(principal.facilities).toEqual(new Set(['RIVERSIDE']));
    }
  });

  it('refuses a key no client holds, and a retired key, with UNAUTHENTICATED', () => {
    const directory = new ApiKeyDirectory(
      parseApiKeyClients({ HL7GW_API_KEYS: clientsJson({ keyHashes: [hashApiKey(NEXT)] }) }),
    );
    expect(refusalOf(() => directory.verify(CURRENT))).toBe('UNAUTHENTICATED');
    expect(refusalOf(() => directory.verify(`${NEXT}x`))).toBe('UNAUTHENTICATED');
    expect(directory.verify(NEXT).id).toBe('lab-riverside');
  });

  it('gives the development key every role and every facility', () => {
    const clients = parseApiKeyClients({ HL7GW_DEV_API_KEY: 'local-dev-key-0123456789' });
    const principal = new ApiKeyDirectory(clients).verify('local-dev-key-0123456789');

    expect(principal.id).toBe(DEV_API_CLIENT_ID);
    expect(principal.roles.size).toBe(4);
    expect(principal.facilities).toBe(ALL_FACILITIES);
  });

  it.each([
    ['not JSON', '[{', /must be a JSON array/],
    ['an object', '{}', /must be a JSON array/],
    ['an unknown role', clientsJson({ roles: ['Results.Everything'] }), /entry 0: roles/],
    [
      'three keys',
      clientsJson({ keyHashes: ['a'.repeat(64), 'b'.repeat(64), 'c'.repeat(64)] }),
      /1 to 2/,
    ],
    ['a key in clear', clientsJson({ keyHashes: [CURRENT] }), /keyHashes/],
    ['the reserved id', clientsJson({ clientId: 'dev' }), /reserved/],
    ['no facilities', clientsJson({ facilities: 'RIVERSIDE' }), /facilities/],
  ])('fails fast on %s, naming the setting and never the key', (_name, value, message) => {
    let thrown: unknown;
    try {
      parseApiKeyClients({ HL7GW_API_KEYS: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(/^HL7GW_API_KEYS /);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain(CURRENT);
  });

  it('refuses a development key short enough to guess', () => {
    expect(() => parseApiKeyClients({ HL7GW_DEV_API_KEY: 'short' })).toThrow(/HL7GW_DEV_API_KEY/);
  });
});
