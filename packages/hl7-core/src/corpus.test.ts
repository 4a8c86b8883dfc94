import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { fromResult } from './from-result.js';
import { parse } from './parse.js';
import { toResult } from './result.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus', import.meta.url));
const SCHEMA_PATH = new URL('../schemas/result.schema.json', import.meta.url);

/** Every `.hl7` file outside `malformed/`, skipping batch files (FHS or BHS first). */
function corpusFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'malformed') files.push(...corpusFiles(path));
    } else if (entry.name.endsWith('.hl7')) {
      const head = readFileSync(path, 'latin1')
        .replace(/^\uFEFF/, '')
        .trimStart();
      if (!head.startsWith('FHS') && !head.startsWith('BHS')) files.push(path);
    }
  }
  return files.sort();
}

const oruFiles = corpusFiles(CORPUS)
  .map((path) => ({ name: relative(CORPUS, path), message: parse(readFileSync(path)) }))
  .filter(({ message }) => message.messageType === 'ORU^R01');

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));

describe('the ORU^R01 messages of the corpus', () => {
  it('include the dozens the corpus README describes', () => {
    expect(oruFiles.length).toBeGreaterThanOrEqual(60);
  });

  it.each(oruFiles)('$name maps to a document the schema accepts', ({ message }) => {
    const document = toResult(message, { gatewayMessageId: 'gw-0001' });

    const valid = validate(JSON.parse(JSON.stringify(document)));

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each(oruFiles)('$name survives toResult, fromResult, parse, toResult', ({ message }) => {
    const document = toResult(message);

    const again = toResult(parse(fromResult(document).toString()));

    expect(again).toEqual(document);
  });

  it('keeps every observation of every message', () => {
    for (const { message } of oruFiles) {
      const document = toResult(message);
      const observations = document.orders.flatMap((order) => [
        ...order.observations,
        ...order.specimens.flatMap((specimen) => specimen.observations),
      ]);
      expect(observations).toHaveLength(message.segments('OBX').length);
    }
  });
});
