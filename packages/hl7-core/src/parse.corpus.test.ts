import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { isHl7ParseError } from './errors.js';
import { parse } from './parse.js';
import { serialize } from './serialize.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));
const MALFORMED = join(CORPUS, 'malformed');

function hl7Files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.hl7'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * The file as the parser should write it back: BOM dropped, blank lines at either end
 * dropped, every line ending (CR, LF or CRLF) a CR. Worked on latin1 text, so bytes stay bytes.
 */
function normalised(file: Buffer): Buffer {
  let text = file.toString('latin1');
  if (text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3);
  const lines = text.split(/\r\n|\r|\n/);
  while (lines.length > 0 && (lines[lines.length - 1] as string).trim() === '') lines.pop();
  while (lines.length > 0 && (lines[0] as string).trim() === '') lines.shift();
  return Buffer.from(lines.map((line) => line + '\r').join(''), 'latin1');
}

const wellFormed = hl7Files(CORPUS).filter((file) => !file.startsWith(MALFORMED));
const batches = wellFormed.filter((file) => /^(FHS|BHS)/.test(readFileSync(file, 'latin1')));
const messages = wellFormed.filter((file) => !batches.includes(file));

describe('corpus: well-formed messages', () => {
  it('finds the corpus', () => {
    expect(messages.length).toBeGreaterThan(120);
    expect(batches).toHaveLength(1);
  });

  it.each(messages.map((file) => [relative(CORPUS, file), file]))(
    'parses and round-trips %s byte for byte',
    (_name, file) => {
      const bytes = readFileSync(file as string);
      const message = parse(bytes);

      expect(message.repairs).toEqual([]);
      expect(message.header.name).toBe('MSH');
      // Compared as latin1 text: one character a byte, and a readable diff when they differ.
      const written = Buffer.from(serialize(message, { bytes: true })).toString('latin1');
      expect(written).toBe(normalised(bytes).toString('latin1'));
    },
  );

  it.each(messages.map((file) => [relative(CORPUS, file), file]))(
    'reads every value of %s without throwing',
    (_name, file) => {
      const message = parse(readFileSync(file as string));

      for (const segment of message.segments()) {
        for (let field = 1; field <= segment.fieldCount; field++) {
          for (let rep = 1; rep <= Math.max(1, segment.repetitionCount(field)); rep++) {
            expect(typeof segment.value(field, rep, 1, 1)).toBe('string');
          }
        }
      }
      expect(message.messageType).toMatch(/^([A-Z]{3}(\^[A-Z0-9]{3})?)?$/);
    },
  );
});

describe('corpus: malformed messages', () => {
  it('holds the four files this suite decides on', () => {
    expect(hl7Files(MALFORMED).map((file) => relative(MALFORMED, file))).toEqual([
      'cdc-TX_001_OML_O21-wrapped-line.hl7',
      'cdc-Test-empty.hl7',
      'cdc-Test-msh-present-but-missing-all-fields.hl7',
      'cdc-Test-msh-present-but-missing-msh-2.hl7',
    ]);
  });

  it('reads the wrapped line with a reported repair, and strict mode refuses it', () => {
    const bytes = readFileSync(join(MALFORMED, 'cdc-TX_001_OML_O21-wrapped-line.hl7'));
    const message = parse(bytes);

    expect(message.repairs).toEqual([
      expect.objectContaining({ code: 'JOINED_WRAPPED_LINE', location: 'line 6' }),
    ]);
    expect(message.messageType).toBe('OML^O21');
    expect(message.get('OBR-4.2')).toBe('Newborn screening panel AHIC');
    expect(message.get('OBR-4.3')).toBe('LN');
    expect(message.segments('OBX')).toHaveLength(13);
    expect(() => parse(bytes, { strict: true })).toThrow(
      expect.objectContaining({ code: 'BAD_SEGMENT', location: 'line 6' }),
    );
  });

  it.each([
    ['cdc-Test-empty.hl7', 'EMPTY_INPUT', undefined],
    ['cdc-Test-msh-present-but-missing-all-fields.hl7', 'BAD_ENCODING_CHARACTERS', 'MSH-2'],
    ['cdc-Test-msh-present-but-missing-msh-2.hl7', 'BAD_ENCODING_CHARACTERS', 'MSH-2'],
  ])('rejects %s with %s', (name, code, location) => {
    let thrown: unknown;
    try {
      parse(readFileSync(join(MALFORMED, name)));
    } catch (error) {
      thrown = error;
    }

    expect(isHl7ParseError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code, location });
  });
});
