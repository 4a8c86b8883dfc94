/**
 * Fuzzing the HTTP surface of the whole gateway (ingest, processor, deadletter on the local
 * host, with Azurite and the broker): random methods, paths, query strings, headers,
 * content types and bodies, with and without a valid API key, over keep-alive connections.
 * The host runs in a process of its own, so that the fuzzer and the gateway each have a
 * core of the two this machine has.
 *
 * Every answer must be one of:
 * - a 2xx whose JSON body (when it says JSON) parses;
 * - a 4xx `application/problem+json` whose `code` is on the closed list and maps to that
 *   status, or an HL7 ACK refusing the message (MSA-1 AE/AR/CE/CR) for an HL7 client;
 * - the host's own plain refusal of a path or method no function serves (400, 404, 405,
 *   413), as the Functions host answers in Azure before any of our code runs;
 * - for a method HTTP parsers do not know (`QZX`), the bare 400 of Node's HTTP parser.
 * Never a 5xx, and never no answer within 10 s.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { METHODS } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { GATEWAY_ERRORS, type GatewayErrorCode } from '@hl7gw/platform';
import { startAzurite, type RunningAzurite } from '@hl7gw/platform/testing';
import type { RunningBroker } from '@hl7gw/servicebus-local';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RESULTS_SUBSCRIPTION } from '../support/broker-config.js';
import { startTestBroker } from '../support/broker.js';
import { appSettings, requireBuiltApps, TEST_API_KEY } from '../support/gateway.js';
import { startHostProcess, type Child } from '../support/processes.js';

const RUNS = Number(process.env.HL7GW_FUZZ_RUNS ?? 10_000);
const CONCURRENCY = 8;
const ANSWER_TIMEOUT_MS = 10_000;
const HOST_REFUSALS = new Set([400, 404, 405, 413]);

const CORPUS = fileURLToPath(
  new URL('../../../shared/corpus/cdc-trusted-intermediary/', import.meta.url),
);
const SEEDS = readdirSync(CORPUS, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.hl7'))
  .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
  .filter((_text, index) => index % 8 === 0);

/** One request the fuzzer sends. */
interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** One answer as the checks see it. */
interface Seen {
  status: number;
  type: string;
  text: string;
}

let azurite: RunningAzurite | undefined;
let broker: RunningBroker | undefined;
let host: Child | undefined;
let dataDir: string | undefined;
let api = '';

beforeAll(async () => {
  const modules = requireBuiltApps();
  dataDir = await mkdtemp(join(tmpdir(), 'hl7gw-fuzz-'));
  azurite = await startAzurite();
  broker = await startTestBroker(dataDir, [RESULTS_SUBSCRIPTION]);
  const env = appSettings(azurite.connectionString, broker.connectionString, [
    RESULTS_SUBSCRIPTION,
  ]);
  host = await startHostProcess(modules, env);
  api = `${host.ready}/api`;
}, 90_000);

afterAll(async () => {
  await host?.stop();
  await broker?.close();
  await azurite?.stop();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

/**
 * The routes the apps serve, with their methods. `health/ready` is left out: it reads no
 * input, and each call probes the bus and storage, which would spend the time budget.
 */
const ROUTES: readonly (readonly [string, readonly string[]])[] = [
  ['v1/messages', ['POST']],
  ['v1/messages/{id}', ['GET']],
  ['v1/batches', ['POST']],
  ['v1/batches/{id}', ['GET']],
  ['v1/convert', ['POST']],
  ['v1/deadletters', ['GET']],
  ['v1/deadletters/replay', ['POST']],
  ['v1/deadletters/{id}', ['GET', 'DELETE']],
  ['v1/deadletters/{id}/replay', ['POST']],
  ['v1/reports/summary', ['GET']],
  ['health', ['GET']],
  ['openapi.json', ['GET']],
  ['docs', ['GET']],
  ['metrics', ['GET']],
];
const ANY_METHOD = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS'];

const ids = fc.oneof(
  fc.constant('01JP5T0Q2W3E4R5T6Y7V8W9X0Y'),
  fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('..', '%2e%2e', '%00', 'a%2Fb', '~', "'", '%E2%80%AE', 'x'.repeat(300)),
);

/** A path below `/api` and the method to send it with: mostly a route with one of its own. */
const target = fc.oneof(
  {
    weight: 7,
    arbitrary: fc
      .constantFrom(...ROUTES)
      .chain(([route, methods]) => fc.tuple(fc.constant(route), ids, fc.constantFrom(...methods))),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.constantFrom(...ROUTES.map(([route]) => route)),
      ids,
      fc.oneof(fc.constantFrom(...ANY_METHOD), fc.stringMatching(/^[A-Z]{1,10}$/)),
    ),
  },
  { weight: 1, arbitrary: fc.tuple(fc.webPath(), fc.constant(''), fc.constantFrom(...ANY_METHOD)) },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.string({ maxLength: 30 }),
      fc.constant(''),
      fc.constantFrom(...ANY_METHOD),
    ),
  },
);

const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '?include=raw',
    '?include=raw,raw',
    '?category=parse&limit=5',
    '?limit=0',
    '?limit=99999',
    '?from=2025-01-01T00:00:00Z&to=2024-01-01T00:00:00Z',
    '?next=not-a-token',
    '?messageType=ORU%5ER01&sendingFacility=%00',
  ),
  fc.webQueryParameters().map((text) => `?${text}`),
);

const contentType = fc.oneof(
  fc.constantFrom(
    'x-application/hl7-v2+er7',
    'x-application/hl7-v2+er7; charset=utf-8',
    'x-application/hl7-v2+er7; charset=iso-8859-1',
    'application/json',
    'application/problem+json',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    ';;;',
    '',
  ),
  fc.string({ maxLength: 40 }),
);

const hl7Body = fc
  .tuple(fc.constantFrom(...SEEDS), fc.nat(), fc.nat(255), fc.boolean())
  .map(([seed, at, byte, cut]) => {
    const bytes = Buffer.from(seed, 'utf8');
    const position = at % Math.max(bytes.length, 1);
    if (cut) return bytes.subarray(0, position);
    bytes[position] = byte;
    return bytes;
  });

const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.string({ maxLength: 400 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc
      .record(
        {
          filter: fc.anything({ maxDepth: 2 }),
          dryRun: fc.anything({ maxDepth: 0 }),
          limit: fc.anything({ maxDepth: 0 }),
          message: fc.string(),
        },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value)),
  },
  { weight: 1, arbitrary: hl7Body },
);

const headerValue = fc.string({ maxLength: 60 }).map((text) => text.replace(/[^\t\x20-\x7e]/g, ''));

function request(apiKey: string): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      target,
      query,
      key: fc.constantFrom('valid', 'valid', 'valid', 'none', 'wrong', 'padded'),
      // Mostly absent: an Authorization header makes the pipeline try it instead of the key.
      bearer: fc.oneof(
        { weight: 5, arbitrary: fc.constant(undefined) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            'Bearer ',
            'Bearer eyJhbGciOiJub25lIn0.eyJyb2xlcyI6WyJhIl19.',
            'Basic YTpi',
          ),
        },
      ),
      contentType: fc.option(contentType, { nil: undefined }),
      accept: fc.option(
        fc.constantFrom('x-application/hl7-v2+er7', 'application/json', '*/*', 'text/html', ''),
        { nil: undefined },
      ),
      extra: fc.dictionary(
        fc.constantFrom(
          'traceparent',
          'x-forwarded-for',
          'origin',
          'content-encoding',
          'x-ms-client-principal',
          'if-match',
        ),
        headerValue,
        { maxKeys: 3 },
      ),
      body,
    })
    .map((drawn) => {
      const [template, id, method] = drawn.target;
      const route = template.replace('{id}', id).replace(/^\/+/, '');
      const headers: Record<string, string> = { ...drawn.extra };
      if (drawn.key === 'valid') headers['x-api-key'] = apiKey;
      if (drawn.key === 'wrong') headers['x-api-key'] = `${apiKey}x`;
      if (drawn.key === 'padded') headers['x-api-key'] = ` ${apiKey} `;
      if (drawn.bearer !== undefined) headers.authorization = drawn.bearer;
      if (drawn.contentType !== undefined)
        headers['content-type'] = drawn.contentType.replace(/[^\t\x20-\x7e]/g, '');
      if (drawn.accept !== undefined) headers.accept = drawn.accept;
      const sendsBody = drawn.body !== undefined && method !== 'GET' && method !== 'HEAD';
      return {
        method,
        path: `/${route}${drawn.query}`,
        headers,
        ...(sendsBody ? { body: drawn.body as string | Uint8Array } : {}),
      };
    });
}

async function send(target: string, fuzz: FuzzRequest): Promise<Seen> {
  const response = await fetch(`${target}${fuzz.path}`, {
    method: fuzz.method,
    headers: fuzz.headers,
    ...(fuzz.body === undefined ? {} : { body: fuzz.body }),
    signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', text };
}

/** Why an answer breaks the rules, or undefined when it keeps them. */
function fault(fuzz: FuzzRequest, seen: Seen): string | undefined {
  const head = fuzz.method === 'HEAD';
  if (seen.status >= 500) return `status ${seen.status}`;
  if (!METHODS.includes(fuzz.method)) {
    return seen.status === 400 ? undefined : `${seen.status} for an unknown method`;
  }
  if (seen.status >= 200 && seen.status < 300) {
    if (!head && /json/.test(seen.type) && seen.text !== '') {
      try {
        JSON.parse(seen.text);
      } catch {
        return 'a 2xx JSON answer that does not parse';
      }
    }
    return undefined;
  }
  if (seen.status < 400) return seen.status === 304 ? undefined : `status ${seen.status}`;

  if (seen.type.startsWith('text/plain')) {
    return HOST_REFUSALS.has(seen.status) ? undefined : `a plain ${seen.status} from the host`;
  }
  if (seen.type.startsWith('x-application/hl7-v2+er7')) {
    return /(^|\r)MSA\|(AE|AR|CE|CR)(\||\r|$)/.test(seen.text)
      ? undefined
      : 'an HL7 refusal without MSA';
  }
  if (!seen.type.startsWith('application/problem+json')) return `a ${seen.status} as ${seen.type}`;
  if (head) return undefined;

  let code: unknown;
  try {
    code = (JSON.parse(seen.text) as { code?: unknown }).code;
  } catch {
    return 'problem details that do not parse';
  }
  if (typeof code !== 'string' || !(code in GATEWAY_ERRORS))
    return `no known code (${String(code)})`;
  const expected = GATEWAY_ERRORS[code as GatewayErrorCode].httpStatus;
  return expected === seen.status ? undefined : `${code} answered ${seen.status}, not ${expected}`;
}

describe('the HTTP surface under fuzzing', () => {
  it(`answers ${RUNS} random requests with a coded 4xx or a valid 2xx, never a 5xx`, async () => {
    const requests = fc.sample(request(TEST_API_KEY), { numRuns: RUNS, seed: 20_261_204 });
    const statuses = new Map<string, number>();
    const faults: string[] = [];
    const started = performance.now();

    let next = 0;
    const worker = async () => {
      while (next < requests.length && faults.length < 5) {
        const index = next++;
        const fuzz = requests[index] as FuzzRequest;
        let seen: Seen;
        try {
          seen = await send(api, fuzz);
        } catch (error) {
          faults.push(`#${index} ${fuzz.method} ${fuzz.path}: no answer (${String(error)})`);
          continue;
        }
        const why = fault(fuzz, seen);
        if (why !== undefined) {
          const shown = JSON.stringify({ ...fuzz, body: fuzz.body?.slice(0, 200).toString() });
          faults.push(`#${index} ${why}: ${shown} -> ${seen.text.slice(0, 300)}`);
        }
        const key = `${seen.status} ${seen.type.split(';')[0]}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;

    console.info(
      `http fuzz: ${RUNS} requests in ${seconds.toFixed(1)} s; answers: ` +
        [...statuses]
          .sort()
          .map(([key, count]) => `${key} x${count}`)
          .join(', '),
    );
    expect(faults).toEqual([]);
    // The requests must reach the handlers, not only the host's route table.
    const fromApps = [...statuses]
      .filter(([key]) => !key.endsWith('text/plain'))
      .reduce((sum, [, count]) => sum + count, 0);
    expect(fromApps).toBeGreaterThan(RUNS / 2);
  }, 180_000);
});
