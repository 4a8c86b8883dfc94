/* global fetch, AbortSignal, URLSearchParams */
// The operator API from a terminal, for the runbooks: list, inspect, replay and purge
// parked dead letters, read the summary report and a message's status. Talks HTTP to a
// running gateway (local or Azure) with an API key holding DeadLetters.Manage (and
// Reports.Read / Results.Read for `report` / `status`). Prints the JSON answer; exits 0 on
// 2xx, 1 on any other answer, 2 on a usage error.
//
//   node scripts/operator.mjs list    --base-url URL [--category C] [--sending-facility F]
//                                     [--message-type T] [--from ISO] [--to ISO] [--limit N]
//   node scripts/operator.mjs show    --base-url URL --id ID
//   node scripts/operator.mjs replay  --base-url URL --id ID [--corrected FILE]
//   node scripts/operator.mjs replay-all --base-url URL [filters] [--limit N] [--execute]
//   node scripts/operator.mjs purge   --base-url URL --id ID --confirm ID
//   node scripts/operator.mjs report  --base-url URL --from ISO --to ISO
//   node scripts/operator.mjs status  --base-url URL --id ID
//   node scripts/operator.mjs submit  --base-url URL --file FILE.hl7
//
// `replay-all` is a dry run unless `--execute` is given. `--base-url` is the deadletter app
// (the ingest app for `status` and `submit`, which resubmits restored content); locally both are http://127.0.0.1:7071. The key comes from
// --api-key or HL7GW_API_KEY.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const COMMANDS = ['list', 'show', 'replay', 'replay-all', 'purge', 'report', 'status', 'submit'];
const usage = `usage: node scripts/operator.mjs <${COMMANDS.join('|')}> --base-url URL [options]`;

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      'base-url': { type: 'string', default: process.env.HL7GW_BASE_URL },
      'api-key': { type: 'string', default: process.env.HL7GW_API_KEY },
      id: { type: 'string' },
      confirm: { type: 'string' },
      corrected: { type: 'string' },
      file: { type: 'string' },
      category: { type: 'string' },
      'message-type': { type: 'string' },
      'sending-facility': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      limit: { type: 'string' },
      next: { type: 'string' },
      execute: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
} catch (error) {
  fail(error.message);
}
const { values: options, positionals } = parsed;
if (options.help) {
  console.log(usage);
  process.exit(0);
}
const command = positionals[0];
if (!COMMANDS.includes(command)) fail(`unknown command '${command ?? ''}'`);
const baseUrl = options['base-url']?.replace(/\/+$/, '');
if (!baseUrl) fail('--base-url (or HL7GW_BASE_URL) is required');
if (!options['api-key']) fail('--api-key (or HL7GW_API_KEY) is required');

const filter = Object.fromEntries(
  [
    ['category', options.category],
    ['messageType', options['message-type']],
    ['sendingFacility', options['sending-facility']],
    ['from', options.from],
    ['to', options.to],
  ].filter(([, value]) => value !== undefined),
);
const needId = () => options.id ?? fail(`${command} needs --id`);
const deadLetter = (id) => `${baseUrl}/api/v1/deadletters/${encodeURIComponent(id)}`;

let request;
switch (command) {
  case 'list': {
    const query = new URLSearchParams(filter);
    if (options.limit) query.set('limit', options.limit);
    if (options.next) query.set('next', options.next);
    request = ['GET', `${baseUrl}/api/v1/deadletters?${query}`];
    break;
  }
  case 'show':
    request = ['GET', deadLetter(needId())];
    break;
  case 'replay': {
    const id = needId();
    // A corrected message replaces the parked bytes; without one the original is replayed.
    const body = options.corrected ? readFileSync(options.corrected) : undefined;
    request = ['POST', `${deadLetter(id)}/replay`, body, 'x-application/hl7-v2+er7'];
    break;
  }
  case 'replay-all': {
    const body = { filter, dryRun: !options.execute };
    if (options.limit) body.limit = Number(options.limit);
    request = [
      'POST',
      `${baseUrl}/api/v1/deadletters/replay`,
      JSON.stringify(body),
      'application/json',
    ];
    break;
  }
  case 'purge': {
    const id = needId();
    // Purging deletes content for good: the id must be typed twice.
    if (options.confirm !== id) fail('purge needs --confirm with the same id as --id');
    request = ['DELETE', deadLetter(id)];
    break;
  }
  case 'report': {
    if (!options.from || !options.to) fail('report needs --from and --to');
    const query = new URLSearchParams({ from: options.from, to: options.to });
    request = ['GET', `${baseUrl}/api/v1/reports/summary?${query}`];
    break;
  }
  case 'status':
    request = ['GET', `${baseUrl}/api/v1/messages/${encodeURIComponent(needId())}`];
    break;
  case 'submit': {
    if (!options.file) fail('submit needs --file');
    const body = readFileSync(options.file);
    request = ['POST', `${baseUrl}/api/v1/messages`, body, 'x-application/hl7-v2+er7'];
    break;
  }
}

const [method, url, body, contentType] = request;
const response = await fetch(url, {
  method,
  headers: {
    'x-api-key': options['api-key'],
    accept: 'application/json',
    ...(contentType && body !== undefined ? { 'content-type': contentType } : {}),
  },
  body,
  signal: AbortSignal.timeout(60_000),
});
const text = await response.text();
let shown = text;
try {
  shown = JSON.stringify(JSON.parse(text), null, 2);
} catch {
  // Not JSON (a 204 has no body): print it as it came.
}
if (shown) console.log(shown);
console.error(`operator: ${method} ${new URL(url).pathname} → ${response.status}`);
process.exit(response.ok ? 0 : 1);

function fail(message) {
  console.error(`operator: ${message}\n${usage}`);
  process.exit(2);
}
