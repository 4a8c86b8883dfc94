/* global fetch, AbortSignal, setTimeout */
// Smoke test of a running gateway, local (`npm start`) or in Azure: every app answers its
// health probes, a synthetic ORU^R01 from the smoke-test facility is followed from 202 to
// `processed`, and the API docs page loads. Prints one line per check; exits 0 when all
// pass, 1 when one fails, 2 on a usage error. The deploy workflow runs it after each
// deployment and rolls back on exit 1.
//
//   node scripts/smoke-test.mjs --base-url http://127.0.0.1:7071 --api-key <key>
//   node scripts/smoke-test.mjs --base-url https://<ingest-app> \
//     --health-url https://<processor-app> --health-url https://<deadletter-app>
//
// The key may come from HL7GW_SMOKE_API_KEY instead of the command line (so CI logs and
// process lists never show it); the base URL from HL7GW_SMOKE_BASE_URL, the other apps'
// URLs from HL7GW_SMOKE_HEALTH_URLS (space-separated). The key must
// hold Results.Submit and Results.Read and be allowed to submit for the facility.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

const usage = `usage: node scripts/smoke-test.mjs --base-url URL [--api-key KEY]
  [--health-url URL]... [--facility NAME] [--timeout-s N] [--no-docs]`;

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      'base-url': { type: 'string', default: process.env.HL7GW_SMOKE_BASE_URL },
      'api-key': { type: 'string', default: process.env.HL7GW_SMOKE_API_KEY },
      'health-url': {
        type: 'string',
        multiple: true,
        default: (process.env.HL7GW_SMOKE_HEALTH_URLS ?? '').split(/\s+/).filter(Boolean),
      },
      facility: { type: 'string', default: process.env.HL7GW_SMOKE_FACILITY ?? 'SMOKE-TEST' },
      'timeout-s': { type: 'string', default: '120' },
      'no-docs': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  console.error(`smoke-test: ${error.message}\n${usage}`);
  process.exit(2);
}
if (options.help) {
  console.log(usage);
  process.exit(0);
}
const baseUrl = options['base-url']?.replace(/\/+$/, '');
const apiKey = options['api-key'];
const timeoutMs = Number(options['timeout-s']) * 1000;
if (!baseUrl || !apiKey || !(timeoutMs > 0)) {
  console.error(
    `smoke-test: --base-url and --api-key (or their env variables) are required\n${usage}`,
  );
  process.exit(2);
}

const results = [];

/** Runs one named check; a throw is a failure with its message. */
async function check(name, run) {
  const started = Date.now();
  try {
    const detail = await run();
    results.push(true);
    console.log(`ok    ${name} (${Date.now() - started} ms)${detail ? `: ${detail}` : ''}`);
  } catch (error) {
    results.push(false);
    console.log(`FAIL  ${name} (${Date.now() - started} ms): ${error.message}`);
  }
}

async function get(url, headers = {}) {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
  const body = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', body };
}

function expectStatus(response, expected, what) {
  if (response.status !== expected) {
    throw new Error(
      `${what} answered ${response.status}, expected ${expected}: ${response.body.slice(0, 200)}`,
    );
  }
}

// Synthetic data only: a made-up patient and facility, recognisable as a smoke test.
function syntheticOruR01(facility, controlId) {
  const now = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return [
    `MSH|^~\\&|SMOKE|${facility}|HL7GW|HL7GW|${now}+0000||ORU^R01^ORU_R01|${controlId}|P|2.5.1|||AL|NE`,
    'PID|1||SMOKE0001^^^SMOKE^MR||Smoke^Test||19700101|U',
    'PV1|1|O',
    `OBR|1|${controlId}|${controlId}|SMOKE^Smoke test panel^L|||${now}+0000||||||||||||||||${now}+0000|||F`,
    `OBX|1|NM|2951-2^Sodium^LN||140|mmol/L^^UCUM|133-146|N|||F|||${now}+0000`,
  ].join('\r');
}

const healthTargets = [baseUrl, ...options['health-url'].map((url) => url.replace(/\/+$/, ''))];
for (const target of healthTargets) {
  await check(`health ${target}/api/health`, async () => {
    expectStatus(await get(`${target}/api/health`), 200, 'health');
  });
  await check(`readiness ${target}/api/health/ready`, async () => {
    const response = await get(`${target}/api/health/ready`);
    expectStatus(response, 200, 'readiness');
  });
}

await check('synthetic ORU^R01 followed to processed', async () => {
  const controlId = `SMOKE${Date.now()}${randomBytes(3).toString('hex').toUpperCase()}`;
  const submitted = await fetch(`${baseUrl}/api/v1/messages`, {
    method: 'POST',
    headers: {
      'x-api-key': apiKey,
      'content-type': 'x-application/hl7-v2+er7',
      accept: 'application/json',
    },
    body: syntheticOruR01(options.facility, controlId),
    signal: AbortSignal.timeout(15_000),
  });
  const answer = await submitted.text();
  if (submitted.status !== 202) {
    throw new Error(`submit answered ${submitted.status}: ${answer.slice(0, 200)}`);
  }
  const { id, statusUrl } = JSON.parse(answer);
  const statusTarget = new URL(statusUrl, `${baseUrl}/`).href;

  const deadline = Date.now() + timeoutMs;
  let last = 'none';
  while (Date.now() < deadline) {
    const response = await get(statusTarget, { 'x-api-key': apiKey, accept: 'application/json' });
    if (response.status === 200) {
      last = JSON.parse(response.body).status;
      if (last === 'processed' || last === 'delivered') return `${id} ${last}`;
      if (last === 'rejected' || last === 'dead-lettered') {
        throw new Error(`${id} ended ${last}: ${response.body.slice(0, 300)}`);
      }
    } else if (response.status !== 404) {
      expectStatus(response, 200, 'status');
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`${id} still ${last} after ${timeoutMs / 1000} s`);
});

if (!options['no-docs']) {
  await check('docs page /api/docs', async () => {
    const response = await get(`${baseUrl}/api/docs`);
    expectStatus(response, 200, 'docs page');
    if (!response.type.includes('text/html')) throw new Error(`docs page is ${response.type}`);
  });
}

const failed = results.filter((passed) => !passed).length;
console.log(`smoke-test: ${results.length - failed} passed, ${failed} failed against ${baseUrl}`);
process.exit(failed === 0 ? 0 : 1);
