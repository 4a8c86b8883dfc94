import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parse, parseBatch } from '@hl7gw/hl7-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Output } from './command.js';
import { main } from './main.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus');
const bin = join(dirname(fileURLToPath(import.meta.url)), '../bin/hl7gw.js');

const ORU = [
  'MSH|^~\\&|WINPATH|CARDIFF LAB^7A4^L|EPR|UHW|20261203101500+0000||ORU^R01^ORU_R01|CTRL0001|P|2.5.1|||AL|NE||UNICODE UTF-8',
  'PID|1||9434765919^^^NHS^NH||Jones^Angharad^Mair^^Mrs||19870412|F|||1 Heol y Bont^^Caerdydd^^CF10 1AA^GBR',
  'OBR|1|PL123|FL456|UE^Urea and electrolytes^L|||20261203090000+0000||||||||||||||||20261203101000+0000|||F',
  'OBX|1|NM|22664-7^Urea^LN||7.9|mmol/L^^UCUM|2.5-7.8|H|||F|||20261203093000+0000',
  'OBX|2|TX|8251-1^Service comment^LN||Haemolysed\\.br\\sample: K\\S\\Na ratio \\T\\ note||||||F',
].join('\r');

/** Runs the CLI in-process and captures what it writes. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const output: Output = { out: (text) => (out += text), err: (text) => (err += text) };
  const code = await main(argv, output);
  return { code, out, err };
}

let dir: string;
let oru: string;
let batch: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hl7gw-cli-'));
  oru = join(dir, 'oru.hl7');
  writeFileSync(oru, '\uFEFF' + ORU.replaceAll('\r', '\r\n') + '\r\n\r\n');
  batch = join(dir, 'batch.hl7');
  const second = ORU.replace('CTRL0001', 'CTRL0002');
  writeFileSync(batch, `FHS|^~\\&\rBHS|^~\\&\r${ORU}\r${second}\rBTS|2\rFTS|1\r`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hl7gw get', () => {
  it('prints each unescaped value on its own line', async () => {
    const { code, out } = await run('get', oru, 'PID-5.1', 'PID-3[1].4', 'OBX[2]-5', 'MSH-9.2');
    expect(code).toBe(0);
    expect(out).toBe('Jones\nNHS\nHaemolysed\nsample: K^Na ratio & note\nR01\n');
  });

  it('prints one JSON array per message with --json', async () => {
    const { out } = await run('get', '--json', batch, 'MSH-10', 'OBX-5');
    expect(
      out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      ['CTRL0001', '7.9'],
      ['CTRL0002', '7.9'],
    ]);
  });

  it('exits 2 naming the path when the path is not one', async () => {
    const { code, err } = await run('get', oru, 'PID5');
    expect(code).toBe(2);
    expect(err).toMatch(/Not an HL7 path/);
  });
});

describe('hl7gw parse and format', () => {
  it('prints the tree with fields by spec number', async () => {
    const { code, out } = await run('parse', oru);
    const [tree] = JSON.parse(out);
    expect(code).toBe(0);
    expect(tree.messageType).toBe('ORU^R01');
    const pid = tree.segments.find((s: { name: string }) => s.name === 'PID');
    expect(pid.fields['5']).toEqual([['Jones', 'Angharad', 'Mair', '', 'Mrs']]);
    expect(pid.fields['7']).toBe('19870412');
  });

  it('re-serializes with \\r terminators, dropping the BOM and blank lines', async () => {
    const { out } = await run('format', oru);
    expect(out).toBe(ORU + '\r');
  });

  it('keeps batch headers and trailers', async () => {
    const { out } = await run('format', batch);
    expect(parseBatch(out).members).toHaveLength(2);
    expect(out.startsWith('FHS|^~\\&\rBHS|^~\\&\r')).toBe(true);
  });
});

describe('hl7gw validate', () => {
  it('exits 0 for a valid message and 1 when strict finds errors', async () => {
    expect((await run('validate', oru)).code).toBe(0);

    const invalid = join(dir, 'invalid.hl7');
    writeFileSync(invalid, ORU.replace('9434765919^^^NHS^NH', ''));
    const { code, out } = await run('validate', '--json', invalid);
    expect(code).toBe(1);
    const [report] = JSON.parse(out);
    expect(report.issues).toContainEqual(
      expect.objectContaining({ code: 'REQUIRED_FIELD_MISSING', location: 'PID-3' }),
    );
  });
});

describe('hl7gw convert', () => {
  it('maps ORU^R01 to the result document and back to HL7', async () => {
    const json = await run('convert', '--to', 'json', oru);
    const doc = JSON.parse(json.out);
    expect(doc.orders[0].observations[0].value).toMatchObject({ type: 'quantity', value: 7.9 });

    const docFile = join(dir, 'doc.json');
    writeFileSync(docFile, json.out);
    const back = await run('convert', '--to', 'hl7', docFile);
    expect(back.code).toBe(0);
    expect(parse(back.out).get('OBX[2]-5')).toBe('Haemolysed\nsample: K^Na ratio & note');
  });

  it('maps ORU^R01 to a FHIR transaction bundle', async () => {
    const bundle = JSON.parse((await run('convert', '--to', 'fhir', oru)).out);
    expect(bundle.type).toBe('transaction');
    const types = bundle.entry.map(
      (e: { resource: { resourceType: string } }) => e.resource.resourceType,
    );
    expect(types).toEqual(expect.arrayContaining(['Patient', 'DiagnosticReport', 'Observation']));
  });

  it('refuses JSON that is not a result document, with exit 2', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schemaVersion": 1}');
    const { code, err } = await run('convert', '--to', 'hl7', bad);
    expect(code).toBe(2);
    expect(err).toMatch(/not a result document/);
  });
});

describe('hl7gw ack', () => {
  it('answers AA with MSA-2 the original control id and sender and receiver swapped', async () => {
    const ack = parse((await run('ack', oru)).out);
    expect(ack.get('MSA-1')).toBe('AA');
    expect(ack.get('MSA-2')).toBe('CTRL0001');
    expect(ack.get('MSH-3')).toBe('EPR');
    expect(ack.get('MSH-9')).toBe('ACK^R01^ACK');
  });

  it('answers AR with an ERR for input that is not HL7', async () => {
    const junk = join(dir, 'junk.txt');
    writeFileSync(junk, 'hello, this is not HL7');
    const ack = parse((await run('ack', junk)).out);
    expect(ack.get('MSA-1')).toBe('AR');
    expect(ack.get('ERR-3.1')).not.toBe('');
  });

  it('refuses an unknown --code', async () => {
    expect((await run('ack', '--code', 'XX', oru)).code).toBe(2);
  });
});

describe('hl7gw split and deidentify', () => {
  it('writes each batch member to its own file', async () => {
    const out = join(dir, 'split');
    const { code } = await run('split', '--out-dir', out, batch);
    expect(code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['batch-1.hl7', 'batch-2.hl7']);
    expect(parse(readFileSync(join(out, 'batch-2.hl7'))).controlId).toBe('CTRL0002');
  });

  it('replaces the planted identity and is stable for one key', async () => {
    const first = await run('deidentify', '--key', 'k1', oru);
    const second = await run('deidentify', '--key', 'k1', oru);
    expect(first.out).toBe(second.out);
    for (const planted of ['Jones', 'Angharad', '9434765919', '19870412', 'Heol y Bont']) {
      expect(first.out).not.toContain(planted);
    }
  });

  it('exits 2 without a key', async () => {
    const saved = process.env.HL7GW_DEID_KEY;
    delete process.env.HL7GW_DEID_KEY;
    expect((await run('deidentify', oru)).code).toBe(2);
    if (saved !== undefined) process.env.HL7GW_DEID_KEY = saved;
  });
});

describe('the hl7gw executable', () => {
  it('reads standard input for -', () => {
    const out = execFileSync(process.execPath, [bin, 'get', '-', 'PID-5.2'], { input: ORU });
    expect(out.toString()).toBe('Angharad\n');
  });

  it.each([
    [['nonsense'], 2],
    [['get'], 2],
    [['parse', join(corpus, 'malformed/cdc-Test-empty.hl7')], 2],
    [['parse', join(corpus, 'malformed/cdc-Test-msh-present-but-missing-msh-2.hl7')], 2],
    [['validate', '--help'], 0],
  ])('hl7gw %j exits %i with a one-line reason on errors', (argv, expected) => {
    const result = spawnSync(process.execPath, [bin, ...argv], { encoding: 'utf8' });
    expect(result.status).toBe(expected);
    if (expected === 2) expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('reads a corpus message file and a corpus batch file', () => {
    const files = [
      join(corpus, 'cdc-trusted-intermediary/CA/002_CA_ORU_R01.hl7'),
      join(
        corpus,
        'cdc-trusted-intermediary/Test/Results/005_AL_ORU_R01_NBS_Simplified_0_initial_message.hl7',
      ),
    ];
    const result = spawnSync(
      process.execPath,
      [bin, 'get', '--json', files[0] as string, 'MSH-10'],
      {
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(result.stdout)).toEqual(['220220550']);
    const batchResult = spawnSync(process.execPath, [bin, 'get', files[1] as string, 'MSH-9'], {
      encoding: 'utf8',
    });
    expect(batchResult.stdout.trim()).toBe('ORU^R01^ORU_R01');
  });
});
