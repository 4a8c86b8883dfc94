/**
 * No secret in the repository: every tracked (and new, not ignored) file is scanned for
 * key-shaped strings. The rules and the allow-list are in `secret-scan.ts`.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { ALLOWED_VALUES, looksRandom, scanRepository, scanText } from './secret-scan.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Secrets made up at run time, so that this file holds none of them. */
function fakeSecrets(): Record<string, string> {
  const key = (bytes: number) => randomBytes(bytes).toString('base64');
  const part = (text: object) => Buffer.from(JSON.stringify(text)).toString('base64url');
  const jwt = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ sub: 'a', aud: 'b' })}.${key(64).replace(/[+/=]/g, 'x')}`;
  return {
    'storage account key': `DefaultEndpointsProtocol=https;AccountName=prodlab;AccountKey=${key(64)};`,
    'shared access key': `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${key(32)}`,
    'SAS signature': `https://a.blob.core.windows.net/c?sv=2024-05-04&sig=${encodeURIComponent(key(32))}`,
    'private key': ['-----BEGIN', 'PRIVATE KEY-----', key(48)].join(' '),
    JWT: `Authorization: Bearer ${jwt}`,
    'GitHub token': `ghp_${randomBytes(27).toString('base64').replace(/[+/=]/g, 'A')}`,
    'AWS access key': `AKIA${'Q7'.repeat(8)}`,
    'secret assignment': `const clientSecret = '${key(30).replace(/[+/=]/g, 'z')}';`,
  };
}

describe('the secret scan', () => {
  it.each(Object.entries(fakeSecrets()))('finds a %s', (rule, text) => {
    expect(scanText('leak.ts', `line one\n${text}\n`)).toEqual([
      { file: 'leak.ts', line: 2, rule },
    ]);
  });

  it("lets placeholders and Azurite's published key pass", () => {
    const text = [
      `AccountName=devstoreaccount1;AccountKey=${ALLOWED_VALUES[0]?.value};`,
      'Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;',
      'SharedAccessKey=local',
      "const apiKey = 'deadletter-test-key-0123456789';",
      'integrity: sha512-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==',
    ].join('\n');

    expect(scanText('fixtures.ts', text)).toEqual([]);
  });

  it('tells random values from words', () => {
    expect(looksRandom(randomBytes(32).toString('base64'))).toBe(true);
    expect(looksRandom('SAS_KEY_VALUE_SAS_KEY_VALUE')).toBe(false);
    expect(looksRandom('ingest-test-key-0123456789')).toBe(false);
  });
});

describe('the repository', () => {
  it('holds no key-shaped string outside the allow-list', () => {
    const { files, findings } = scanRepository(ROOT);

    expect(files).toBeGreaterThan(300);
    expect(findings, findings.map((f) => `${f.file}:${f.line} ${f.rule}`).join('\n')).toEqual([]);
  });
});
