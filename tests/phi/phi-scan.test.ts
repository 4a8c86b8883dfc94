/**
 * No patient data in logs or telemetry. Messages carrying planted, unique patient data
 * (Welsh and English names, NHS numbers, birth dates, addresses, telephone numbers,
 * observation values, note text) go through the whole gateway: submitted alone and in a
 * batch, converted, processed and published, one dead-lettered for failing validation,
 * read back raw by an operator and replayed with a correction. The host runs in a child
 * process at log level `trace`, so every line any app or the host writes is captured
 * as a log sink would receive it; spans and metrics go over OTLP/HTTP to a receiver here.
 *
 * Afterwards every captured log line, every span and metric export, and the audit log are
 * searched for every planted value: zero hits, or the test fails naming the line. Problem
 * details and dead-letter records are checked the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { auditBlobService } from '@hl7gw/platform';
import { startAzurite, type RunningAzurite } from '@hl7gw/platform/testing';
import type { RunningBroker } from '@hl7gw/servicebus-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RESULTS_SUBSCRIPTION } from '../support/broker-config.js';
import { startTestBroker } from '../support/broker.js';
import { call, eventually, waitForStatus, type ApiTarget } from '../support/client.js';
import { appSettings, requireBuiltApps, TEST_API_KEY } from '../support/gateway.js';

/** Planted values: each appears in a message and must appear nowhere else. */
const PLANTED = {
  familyName: 'Llywelyn-Rhydderch',
  givenName: 'Gwenllian',
  middleName: 'Myfanwy',
  otherFamily: 'Cadwaladr',
  otherGiven: 'Blodeuwedd',
  correctedGiven: 'Angharad-Eirlys',
  batchFamily: 'Featherstonehaugh',
  nhsNumber: '4533314783',
  otherNhsNumber: '9328804078',
  batchNhsNumber: '2386255115',
  birthDate: '19640229',
  birthDateIso: '1964-02-29',
  otherBirthDate: '19310817',
  otherBirthDateIso: '1931-08-17',
  street: 'Heol Tregwilym',
  town: 'Casnewydd',
  postcode: 'NP18 1XQ',
  phone: '07700 900461',
  value: '7319.0286',
  otherValue: '4682.1937',
  textValue: 'Cyfrif-gwaed-anarferol',
  note: 'Claf yn cwyno am boen yn y frest ers tridiau',
  otherNote: 'Patient reports numbness in left hand since Tuesday',
} as const;

const P = PLANTED;

/** An ORU^R01 whose PID, OBX and NTE carry planted values. */
function message(options: {
  controlId: string;
  pid3: string;
  name: string;
  birthDate: string;
  value: string;
  note: string;
}): string {
  return [
    `MSH|^~\\&|TESTLIS|NORTHLAB|HL7GW|GATEWAY|20250314083000+0000||ORU^R01^ORU_R01|${options.controlId}|P|2.5.1`,
    `PID|1||${options.pid3}||${options.name}||${options.birthDate}|F|||17 ${P.street}^^${P.town}^^${P.postcode}^GBR||${P.phone}`,
    'OBR|1|ORD-1|FIL-1|2345-7^Glucose^LN|||20250314080000+0000|||||||||||||||20250314082500+0000|||F',
    `OBX|1|NM|2345-7^Glucose^LN||${options.value}|mmol/L^mmol/L^UCUM|3.9-5.5|H|||F|||20250314081500+0000`,
    `OBX|2|ST|8251-1^Comment^LN||${P.textValue}||||||F`,
    `NTE|1|L|${options.note}`,
    '',
  ].join('\r');
}

const GOOD = message({
  controlId: 'PHI-0001',
  pid3: `${P.nhsNumber}^^^NHS^NH`,
  name: `${P.familyName}^${P.givenName}^${P.middleName}^^Mrs`,
  birthDate: P.birthDate,
  value: P.value,
  note: P.note,
});
/** PID-3 is empty: valid enough for ingest, refused by the processor's validation. */
const INVALID = message({
  controlId: 'PHI-0002',
  pid3: '',
  name: `${P.otherFamily}^${P.otherGiven}`,
  birthDate: P.otherBirthDate,
  value: P.otherValue,
  note: P.otherNote,
});
const CORRECTED = message({
  controlId: 'PHI-0002',
  pid3: `${P.otherNhsNumber}^^^NHS^NH`,
  name: `${P.otherFamily}^${P.correctedGiven}`,
  birthDate: P.otherBirthDate,
  value: P.otherValue,
  note: P.otherNote,
});
const BATCH_MEMBER = message({
  controlId: 'PHI-0003',
  pid3: `${P.batchNhsNumber}^^^NHS^NH`,
  name: `${P.batchFamily}^${P.givenName}`,
  birthDate: P.birthDate,
  value: P.value,
  note: P.note,
});

/** What the child process and the receiver captured. */
const captured = { stdout: '', stderr: '', telemetry: [] as { path: string; body: string }[] };

let azurite: RunningAzurite;
let broker: RunningBroker;
let receiver: Server;
let host: ChildProcess;
let dataDir: string;
let target: ApiTarget;
let env: Record<string, string>;
const answers: { what: string; status: number; body: string }[] = [];

beforeAll(async () => {
  const modules = requireBuiltApps();
  dataDir = await mkdtemp(join(tmpdir(), 'hl7gw-phi-'));
  azurite = await startAzurite();
  broker = await startTestBroker(dataDir, [RESULTS_SUBSCRIPTION], { housekeepingIntervalMs: 50 });

  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      captured.telemetry.push({ path: request.url ?? '', body: Buffer.concat(chunks).toString() });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const { port } = receiver.address() as { port: number };

  env = appSettings(azurite.connectionString, broker.connectionString, [RESULTS_SUBSCRIPTION], {
    HL7GW_LOG_LEVEL: 'trace',
    HL7GW_TEST_HOST_LOG: '1',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    HL7GW_METRICS_EXPORT_INTERVAL_MS: '250',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  const script = fileURLToPath(new URL('../support/host-process.mjs', import.meta.url));
  host = spawn(process.execPath, [script, ...modules.map((url) => fileURLToPath(url))], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  host.stdout?.on('data', (chunk: Buffer) => (captured.stdout += chunk.toString('utf8')));
  host.stderr?.on('data', (chunk: Buffer) => (captured.stderr += chunk.toString('utf8')));

  const baseUrl = await eventually(
    'the host in its own process to listen',
    async () => /^listening (\S+)$/m.exec(captured.stdout)?.[1],
    30_000,
  );
  target = { api: `${baseUrl}/api`, apiKey: TEST_API_KEY };
}, 90_000);

afterAll(async () => {
  if (host !== undefined && host.exitCode === null) {
    host.kill('SIGKILL');
    await once(host, 'exit');
  }
  await new Promise((resolve) => receiver?.close(resolve));
  await broker?.close();
  await azurite?.stop();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

async function answered(
  what: string,
  method: string,
  path: string,
  body?: string | object,
  headers?: Record<string, string>,
) {
  const answer = await call(target, method, path, body, headers);
  answers.push({ what, status: answer.status, body: JSON.stringify(answer.body) });
  return answer;
}

/** Where a planted value shows up in `text`, line by line. */
function hits(source: string, text: string): string[] {
  const found: string[] = [];
  const lines = text.split('\n');
  for (const [name, value] of Object.entries(PLANTED)) {
    const needle = value.toLowerCase();
    lines.forEach((line, index) => {
      if (line.toLowerCase().includes(needle)) {
        found.push(`${name} (${value}) in ${source} line ${index + 1}: ${line.slice(0, 400)}`);
      }
    });
  }
  return found;
}

describe('planted patient data through the whole gateway', () => {
  it('flows: processed, dead-lettered, read raw, replayed, batched, converted', async () => {
    const good = await answered('submit', 'POST', '/v1/messages', GOOD);
    expect(good.status).toBe(202);
    const goodId = (good.body as { id: string }).id;

    const invalid = await answered('submit invalid', 'POST', '/v1/messages', INVALID);
    expect(invalid.status).toBe(202);
    const invalidId = (invalid.body as { id: string }).id;

    const batch = await answered('batch', 'POST', '/v1/batches', `${BATCH_MEMBER}${GOOD}`);
    expect(batch.status).toBe(202);

    const converted = await answered('convert', 'POST', '/v1/convert', GOOD);
    expect(converted.status).toBe(200);
    expect(converted.body).toBeDefined();
    const refused = await answered('convert invalid', 'POST', '/v1/convert', INVALID);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const hl7Client = await answered('submit to an HL7 client', 'POST', '/v1/messages', 'PID|1', {
      accept: 'x-application/hl7-v2+er7',
    });
    expect(hl7Client.status).toBe(400);

    await waitForStatus(target, goodId, 'processed', 30_000);
    const parked = await eventually(
      'the invalid message to be parked',
      async () => {
        const answer = await call(target, 'GET', `/v1/deadletters/${invalidId}`);
        return answer.status === 200 ? answer : undefined;
      },
      30_000,
    );
    answers.push({ what: 'dead letter', status: parked.status, body: JSON.stringify(parked.body) });
    expect(parked.body).toMatchObject({ category: 'validation' });

    const raw = await call(target, 'GET', `/v1/deadletters/${invalidId}?include=raw`);
    expect((raw.body as { raw: string }).raw).toContain(P.otherGiven);
    // The scan finds planted values where they belong: the content an operator asked for.
    expect(hits('the raw answer', JSON.stringify(raw.body)).length).toBeGreaterThanOrEqual(8);

    const replay = await answered(
      'replay',
      'POST',
      `/v1/deadletters/${invalidId}/replay`,
      CORRECTED,
    );
    expect(replay.status).toBe(202);
    await waitForStatus(target, (replay.body as { id: string }).id, 'processed', 30_000);

    // Let the exporters send what the last steps recorded, then stop the host cleanly.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    host.kill('SIGTERM');
    await once(host, 'exit');
  }, 120_000);

  it('appears in no log line the apps or the host wrote', () => {
    const lines = captured.stdout.split('\n').filter((line) => line.startsWith('{'));
    // The scan must have had something to scan: lines of every app about these messages.
    expect(lines.length).toBeGreaterThanOrEqual(10);
    const services = new Set(
      lines.map((line) => (JSON.parse(line) as { service?: string }).service),
    );
    expect([...services].sort()).toEqual(['deadletter', 'ingest', 'processor']);
    expect(captured.stdout).toContain('PHI-0001');
    expect(captured.stdout).toContain('"location":"PID-3"');

    expect([...hits('stdout', captured.stdout), ...hits('stderr', captured.stderr)]).toEqual([]);
  });

  it('appears in no span or metric attribute', () => {
    const traces = captured.telemetry.filter((item) => item.path.endsWith('/v1/traces'));
    const metrics = captured.telemetry.filter((item) => item.path.endsWith('/v1/metrics'));
    expect(traces.length).toBeGreaterThan(0);
    expect(metrics.length).toBeGreaterThan(0);
    expect(captured.telemetry.map((item) => item.body).join('\n')).toContain('hl7gw.');

    const found = captured.telemetry.flatMap((item, index) =>
      hits(`OTLP export ${index + 1} (${item.path})`, item.body.replaceAll('},{', '},\n{')),
    );
    expect(found).toEqual([]);
  });

  it('appears in no problem details, dead-letter record or audit entry', async () => {
    expect(answers.some((answer) => answer.body.includes('"code"'))).toBe(true);
    const found = answers
      .filter((answer) => answer.status >= 400 || answer.what === 'dead letter')
      .flatMap((answer) => hits(`the ${answer.what} answer`, answer.body));
    expect(found).toEqual([]);

    const container = auditBlobService({
      kind: 'connection-string',
      connectionString: azurite.connectionString,
    }).getContainerClient('hl7gw-audit');
    let trail = '';
    for await (const blob of container.listBlobsFlat({ prefix: 'audit/' })) {
      trail += (await container.getBlobClient(blob.name).downloadToBuffer()).toString('utf8');
    }
    expect(trail).toContain('deadletter.raw.read');
    expect(hits('the audit log', trail)).toEqual([]);
  });
});
