import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBatch } from './batch.js';
import { buildBatch, serializeBatch } from './batch-serialize.js';
import { isHl7ParseError } from './errors.js';
import { parse } from './parse.js';

/** A de-identified ORU^R01 with control id `id`, one segment per array entry. */
function oru(id: string, extra: string[] = []): string[] {
  return [
    `MSH|^~\\&|LAB|ACME LAB^05D0000001^CLIA|GW|STATE DOH|20240315083000-0500||ORU^R01^ORU_R01|${id}|P|2.5.1`,
    'PID|1||PT-000456^^^ACME LAB&05D0000001&CLIA^MR||Roe^Richard||19750505|M',
    'OBX|1|NM|2345-7^Glucose^LN||95|mg/dL|70-99||||F',
    ...extra,
  ];
}

const lines = (...groups: string[][]): string => groups.flat().join('\r') + '\r';

describe('buildBatch', () => {
  const messages = [parse(lines(oru('N1'))), parse(lines(oru('N2')))];

  it('writes a BHS ... BTS batch with BTS-1 the message count', () => {
    const text = buildBatch(messages, { bhs: { sendingFacility: 'ACME LAB', controlId: 'B-9' } });

    expect(text).toBe(lines(['BHS|^~\\&||ACME LAB|||||||B-9'], oru('N1'), oru('N2'), ['BTS|2']));
  });

  it('writes a file around it with FTS-1 of 1, keeping given segments and trailer fields', () => {
    const read = parseBatch(
      lines(['FHS|^~\\&|LAB'], ['BHS|^~\\&|LAB'], oru('OLD'), ['BTS|1|nightly'], ['FTS|1|end']),
    );

    const text = buildBatch(messages, {
      fhs: read.fhs,
      bhs: read.bhs,
      bts: read.bts,
      fts: read.fts,
    });

    expect(text).toBe(
      lines(
        ['FHS|^~\\&|LAB'],
        ['BHS|^~\\&|LAB'],
        oru('N1'),
        oru('N2'),
        ['BTS|2|nightly'],
        ['FTS|1|end'],
      ),
    );
    expect(parseBatch(text).members.map((m) => m.controlId)).toEqual(['N1', 'N2']);
  });

  it('writes new headers with the given delimiters', () => {
    const delimiters = {
      field: '#',
      component: '$',
      repetition: '*',
      escape: '!',
      subcomponent: '@',
      truncation: '',
    };

    const text = buildBatch([], { delimiters, fhs: { createdAt: '20240315' } });

    expect(text).toBe('FHS#$*!@#####20240315\rBHS#$*!@\rBTS#0\rFTS#1\r');
  });

  it('refuses a segment of the wrong name', () => {
    const read = parseBatch(lines(['BHS|^~\\&'], oru('1'), ['BTS|1']));

    expect(() => buildBatch(messages, { fhs: read.bhs })).toThrow(RangeError);
    expect(() => buildBatch(messages, { bts: read.bhs })).toThrow(/Expected a BTS segment/);
  });

  it('builds what parseBatch reads back: members round-trip and counts check', () => {
    const note = fc.stringMatching(/^[A-Za-z0-9 .]{0,12}$/);
    const notes = fc.array(fc.array(note, { maxLength: 4 }), { maxLength: 8 });

    fc.assert(
      fc.property(notes, fc.boolean(), (perMessage, asFile) => {
        const built = perMessage.map((texts, i) =>
          parse(
            lines(
              oru(
                `P${i}`,
                texts.map((t) => `NTE|1|L|${t}`),
              ),
            ),
          ),
        );

        const text = buildBatch(built, asFile ? { fhs: {} } : {});

        if (built.length === 0) {
          expect(() => parseBatch(text)).toThrow(expect.objectContaining({ code: 'MSH_MISSING' }));
          return;
        }
        const batch = parseBatch(text, { strict: true });
        expect(batch.members.map((m) => m.message?.toString())).toEqual(
          built.map((m) => m.toString()),
        );
        expect(serializeBatch(batch)).toBe(text);
      }),
    );
  });
});

describe('serializeBatch', () => {
  it('writes a read file of two batches back unchanged', () => {
    const file = lines(
      ['FHS|^~\\&|LAB|ACME LAB|GW|STATE DOH|20240315083000-0500||results.hl7||F-77'],
      ['BHS|^~\\&|LAB|ACME LAB||||||||B-1'],
      oru('MSG-1'),
      oru('MSG-2'),
      ['BTS|2|end of batch'],
      ['BHS|^~\\&|LAB|ACME LAB||||||||B-2'],
      oru('MSG-3'),
      ['BTS|1'],
      ['FTS|2'],
    );

    expect(serializeBatch(parseBatch(file))).toBe(file);
  });

  it('adds the trailers a lenient read found missing, with their counts', () => {
    const read = parseBatch(lines(['FHS|^~\\&'], ['BHS|^~\\&'], oru('1'), oru('2')));

    expect(serializeBatch(read)).toBe(
      lines(['FHS|^~\\&'], ['BHS|^~\\&'], oru('1'), oru('2'), ['BTS|2'], ['FTS|1']),
    );
  });

  it('writes members as changed since the read, keeping BTS-2', () => {
    const read = parseBatch(lines(['BHS|^~\\&'], oru('1'), ['BTS|1|kept']));
    read.member(1)?.message?.appendSegment('NTE|1|L|Corrected');

    expect(serializeBatch(read)).toBe(
      lines(['BHS|^~\\&'], oru('1', ['NTE|1|L|Corrected']), ['BTS|1|kept']),
    );
  });

  it('writes messages read without headers one after another again', () => {
    const text = [oru('C1').join('\n'), oru('C2').join('\r\n')].join('\r\n\r\n');

    expect(serializeBatch(parseBatch(text))).toBe(lines(oru('C1'), oru('C2')));
  });

  it('refuses a batch with a member that did not parse, naming its position', () => {
    const bad = 'MSH|^^|LAB|ACME||GW|20240315||ORU^R01|BAD|P|2.5.1';
    const read = parseBatch(lines(['BHS|^~\\&'], oru('OK1'), [bad], ['BTS|2']));

    expect(isHl7ParseError(read.member(2)?.error)).toBe(true);
    expect(() => serializeBatch(read)).toThrow(/member 2 did not parse/);
  });
});
