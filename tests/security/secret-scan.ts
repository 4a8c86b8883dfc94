/**
 * A scan for key-shaped strings in the repository's files: what a leaked credential looks
 * like, not what a placeholder in a test looks like. Each rule names one kind of secret;
 * the allow-list names the few published values that look like one and are not secret.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One kind of secret and how to recognise it. */
export interface SecretRule {
  /** A short name for the finding. */
  name: string;
  /** Matches the secret; group 1, when present, is the secret value itself. */
  pattern: RegExp;
}

/** A value that looks like a secret and is not one, with the reason it is allowed. */
export interface AllowedValue {
  /** The exact value. */
  value: string;
  /** Why it may be in the repository. */
  reason: string;
}

/** Where a secret-shaped string was found; the value itself is never reported. */
export interface SecretFinding {
  /** The file, relative to the repository root. */
  file: string;
  /** The 1-based line. */
  line: number;
  /** The rule that matched. */
  rule: string;
}

const BASE64_KEY = '[A-Za-z0-9+/]{20,}={0,2}';

/** The kinds of secret the scan looks for. */
export const SECRET_RULES: readonly SecretRule[] = [
  // Storage account keys are 64 random bytes in base64; Service Bus and Event Hubs SAS keys 32.
  { name: 'storage account key', pattern: new RegExp(`AccountKey=(${BASE64_KEY})`, 'g') },
  { name: 'shared access key', pattern: new RegExp(`SharedAccessKey=(${BASE64_KEY})`, 'g') },
  { name: 'SAS signature', pattern: /[?&]sig=([A-Za-z0-9%+/]{20,}(?:%3D|=){0,2})/g },
  { name: 'private key', pattern: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/g },
  { name: 'JWT', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g },
  { name: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g },
  { name: 'AWS access key', pattern: /\bAKIA[0-9A-Z]{16}\b/g },
  {
    // A long random-looking value given to a name that says it is secret.
    name: 'secret assignment',
    pattern:
      /(?:secret|password|passwd|api[_-]?key|access[_-]?key|client[_-]?secret|token)["']?\s*[:=]\s*["'`]([A-Za-z0-9+/_-]{32,}={0,2})["'`]/gi,
  },
];

/** Published values that look like keys. Keep this list short, and say why for each. */
export const ALLOWED_VALUES: readonly AllowedValue[] = [
  {
    value:
      'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
    reason: "Azurite's well-known development account key, published by Microsoft",
  },
];

/**
 * True when `value` looks random: long, and mixing upper case, lower case and digits.
 * Words, placeholders (`SAS_KEY_VALUE`, `local`) and repeated characters do not.
 */
export function looksRandom(value: string): boolean {
  const core = value.replace(/=+$/, '');
  if (core.length < 20) return false;
  const classes = [/[A-Z]/, /[a-z]/, /\d/].filter((pattern) => pattern.test(core)).length;
  return classes === 3 && new Set(core).size >= 12;
}

/** Every finding in `text`, a file named `file`. */
export function scanText(file: string, text: string): SecretFinding[] {
  const allowed = new Set(ALLOWED_VALUES.map((entry) => entry.value));
  const findings: SecretFinding[] = [];
  const lineStarts = [0];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) {
    lineStarts.push(index + 1);
  }
  const lineOf = (offset: number) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };

  for (const rule of SECRET_RULES) {
    for (const match of text.matchAll(rule.pattern)) {
      const value = match[1];
      if (value !== undefined && (allowed.has(value) || !looksRandom(decodeURIComponent2(value)))) {
        continue;
      }
      findings.push({ file, line: lineOf(match.index), rule: rule.name });
    }
  }
  return findings;
}

/** The repository's files: tracked ones and new ones not ignored, as `git` lists them. */
export function repositoryFiles(root: string): string[] {
  const output = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return [...new Set(output.split('\0').filter(Boolean))].sort();
}

/** Scans every repository file that exists and is text (no NUL byte in its first 8 KB). */
export function scanRepository(root: string): { files: number; findings: SecretFinding[] } {
  let files = 0;
  const findings: SecretFinding[] = [];
  for (const file of repositoryFiles(root)) {
    const path = join(root, file);
    let bytes: Buffer;
    try {
      if (!statSync(path).isFile()) continue;
      bytes = readFileSync(path);
    } catch {
      // Listed by git but deleted from the working tree since.
      continue;
    }
    if (bytes.subarray(0, 8192).includes(0)) continue;
    files++;
    findings.push(...scanText(file, bytes.toString('utf8')));
  }
  return { files, findings };
}

function decodeURIComponent2(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
