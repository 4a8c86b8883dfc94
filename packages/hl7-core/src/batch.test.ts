import { fileURLToPath } from 'node:url';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBatch, type BatchMember } from './batch.js';
import { Hl7ParseError } from './errors.js';
import { parse } from './parse.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus', import.meta.url));
const CORPUS_BATCH = join(
  CORPUS,
  'cdc-trusted-intermediary/Test/Results/005_AL_ORU_R01_NBS_Simplified_0_initial_message.hl7',
);

/** A de-identified ORU^R01 with control id `id`, one segment per array entry. */
function oru(id: string, extra: string[] = []): string[] {
  return [
    `MSH|^~\\&|LAB^2.16.840.1.113883.3.1^ISO|ACME LAB^05D0000001^CLIA|GW|STATE DOH|20240315083000-0500||ORU^R01^ORU_R01|${id}|P|2.5.1|||NE|NE|USA|UNICODE UTF-8`,
    'PID|1||PT-000123^^^ACME LAB&05D0000001&CLIA^MR||Doe^Jane^Q||19800101|F',
    'OBR|1|ORD-1|FIL-1|94500-6^SARS-CoV-2 RNA Resp NAA+probe^LN|||20240314120000-0500',
    'OBX|1|CWE|94500-6^SARS-CoV-2 RNA Resp NAA+probe^LN||260415000^Not detected^SCT||||||F',
    ...extra,
  ];
}

const lines = (...groups: string[][]): string => groups.flat().join('\r') + '\r';

function expectCode(run: () => unknown, code: string, location?: string): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(Hl7ParseError);
  expect((thrown as Hl7ParseError).code).toBe(code);
  if (location !== undefined) expect((thrown as Hl7ParseError).location).toBe(location);
}

function message(member: BatchMember | undefined) {
  expect(member?.error).toBeUndefined();
  return member?.message;
}

describe('parseBatch: a file of batches', () => {
  const file = lines(
    ['FHS|^~\\&|LAB|ACME LAB|GW|STATE DOH|20240315083000-0500||results.hl7||F-77'],
    ['BHS|^~\\&|LAB|ACME LAB|GW|STATE DOH|20240315083000-0500||||B-1'],
    oru('MSG-1'),
    oru('MSG-2', ['NTE|1|L|Specimen received ambient']),
    ['BTS|2|end of batch'],
    ['BHS|^~\\&|LAB|ACME LAB|GW|STATE DOH|20240315083100-0500||||B-2'],
    oru('MSG-3'),
    ['BTS|1'],
    ['FTS|2'],
  );

  it('returns the headers with field 1 the field separator, as in MSH', () => {
    const batch = parseBatch(file);

    expect(batch.fhs?.name).toBe('FHS');
    expect(batch.fhs?.field(1)).toBe('|');
    expect(batch.fhs?.field(2)).toBe('^~\\&');
    expect(batch.fhs?.value(9)).toBe('results.hl7');
    expect(batch.fhs?.value(11)).toBe('F-77');
    expect(batch.bhs?.value(11)).toBe('B-1');
    expect(batch.bts?.value(2)).toBe('end of batch');
    expect(batch.fts?.value(1)).toBe('2');
    expect(batch.repairs).toEqual([]);
  });

  it('numbers members across batches and says which batch holds each', () => {
    const batch = parseBatch(file);

    expect(batch.members.map((m) => [m.position, m.controlId, m.batch, m.startLine])).toEqual([
      [1, 'MSG-1', 1, 3],
      [2, 'MSG-2', 1, 7],
      [3, 'MSG-3', 2, 14],
    ]);
    expect(batch.batches.map((b) => b.members.map((m) => m.position))).toEqual([[1, 2], [3]]);
    expect(batch.batches[1]?.bhs.value(11)).toBe('B-2');
    expect(batch.member(2)?.lineCount).toBe(5);
    expect(message(batch.member(2))?.get('NTE-3')).toBe('Specimen received ambient');
    expect(batch.member(0)).toBeUndefined();
    expect(batch.member(4)).toBeUndefined();
  });

  it('round-trips each member: its lines, each ended by \\r', () => {
    const batch = parseBatch(file);

    expect(message(batch.member(1))?.toString()).toBe(lines(oru('MSG-1')));
    expect(message(batch.member(2))?.toString()).toBe(
      lines(oru('MSG-2', ['NTE|1|L|Specimen received ambient'])),
    );
    expect(message(batch.member(3))?.toString()).toBe(lines(oru('MSG-3')));
  });
});

describe('parseBatch: the corpus', () => {
  it('reads the FHS/BHS batch without trailers and reports them missing', () => {
    const bytes = readFileSync(CORPUS_BATCH);
    const batch = parseBatch(new Uint8Array(bytes));

    expect(batch.fhs?.field(1)).toBe('|');
    expect(batch.fhs?.value(5)).toBe('0.0.0.0.1');
    expect(batch.fhs?.value(7)).toBe('202106221314-0400');
    expect(batch.bhs?.field(2)).toBe('^~\\&');
    expect(batch.bts).toBeUndefined();
    expect(batch.fts).toBeUndefined();
    expect(batch.repairs.map((r) => [r.code, r.location])).toEqual([
      ['MISSING_BTS', 'BHS'],
      ['MISSING_FTS', 'FHS'],
    ]);
    expect(batch.members).toHaveLength(1);

    const member = batch.member(1);
    expect(member?.controlId).toBe('858625');
    expect(member?.startLine).toBe(3);
    expect(message(member)?.messageType).toBe('ORU^R01');
    const expected = bytes
      .toString('utf8')
      .split(/\r\n|\r|\n/)
      .slice(2)
      .filter((l) => l !== '');
    expect(message(member)?.toString()).toBe(expected.join('\r') + '\r');
  });

  it('refuses that batch when strict, since BTS and FTS are missing', () => {
    expectCode(() => parseBatch(readFileSync(CORPUS_BATCH), { strict: true }), 'BATCH_STRUCTURE');
  });

  it('splits all single-message corpus files written one after another, as parse reads each', () => {
    const files = corpusFiles().filter((path) => path !== CORPUS_BATCH);
    const joined = Buffer.concat(files.flatMap((path) => [readFileSync(path), Buffer.from('\n')]));

    const batch = parseBatch(new Uint8Array(joined));

    expect(batch.batches).toEqual([]);
    expect(batch.members).toHaveLength(files.length);
    files.forEach((path, index) => {
      const alone = parse(readFileSync(path));
      const member = batch.member(index + 1);
      expect(message(member)?.toString(), path).toBe(alone.toString());
      expect(member?.controlId).toBe(alone.controlId);
    });
  });
});

function corpusFiles(): string[] {
  return readdirSync(CORPUS, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.hl7') && !path.startsWith('malformed'))
    .sort()
    .map((path) => join(CORPUS, path));
}

describe('parseBatch: other shapes', () => {
  it('reads a batch with BHS and BTS only', () => {
    const batch = parseBatch(lines(['BHS|^~\\&|LAB'], oru('A1'), oru('A2'), ['BTS|2']));

    expect(batch.fhs).toBeUndefined();
    expect(batch.bhs?.value(3)).toBe('LAB');
    expect(batch.members.map((m) => m.controlId)).toEqual(['A1', 'A2']);
    expect(batch.members.map((m) => m.batch)).toEqual([1, 1]);
  });

  it('reads messages written one after another, with \\n, \\r\\n and blank lines between', () => {
    const text = [oru('C1').join('\n'), oru('C2').join('\r\n'), oru('C3').join('\r')].join(
      '\r\n\r\n  \n',
    );

    const batch = parseBatch(text);

    expect(batch.batches).toEqual([]);
    expect(batch.members.map((m) => [m.controlId, m.startLine, m.lineCount, m.batch])).toEqual([
      ['C1', 1, 4, 0],
      ['C2', 7, 4, 0],
      ['C3', 13, 4, 0],
    ]);
    expect(message(batch.member(2))?.toString()).toBe(lines(oru('C2')));
  });

  it('takes the delimiters of the batch from FHS-1 and FHS-2', () => {
    const msh = 'MSH#$*!@#LAB#ACME##GW#20240315083000##ORU$R01#D1#P#2.5.1';
    const batch = parseBatch(
      lines(['FHS#$*!@#LAB$1.2.3$ISO'], ['BHS#$*!@'], [msh], ['BTS#1'], ['FTS#1']),
    );

    expect(batch.delimiters).toMatchObject({ field: '#', component: '$', repetition: '*' });
    expect(batch.fhs?.field(1)).toBe('#');
    expect(batch.fhs?.value(3, 1, 2)).toBe('1.2.3');
    expect(batch.member(1)?.controlId).toBe('D1');
  });

  it('reads each member of bytes in the charset its MSH-18 names', () => {
    const latin =
      'MSH|^~\\&|LAB|ACME||GW|20240315||ORU^R01|L1|P|2.5.1||||||8859/1\rPID|1||7||Mu\xf1oz^Jos\xe9';
    const utf8 =
      'MSH|^~\\&|LAB|ACME||GW|20240315||ORU^R01|U1|P|2.5.1\rPID|1||8||Mu\u00f1oz^Jos\u00e9';
    const bytes = new Uint8Array([
      ...[0xef, 0xbb, 0xbf],
      ...Buffer.from('BHS|^~\\&\r'),
      ...Buffer.from(latin + '\r', 'latin1'),
      ...Buffer.from(utf8 + '\r', 'utf8'),
      ...Buffer.from('BTS|2\r'),
    ]);

    const batch = parseBatch(bytes);

    expect(batch.charset).toBe('latin1');
    expect(message(batch.member(1))?.get('PID-5.1')).toBe('Muñoz');
    expect(message(batch.member(1))?.charset).toBe('latin1');
    expect(message(batch.member(2))?.get('PID-5.2')).toBe('José');
    expect(message(batch.member(2))?.charset).toBe('utf-8');
  });

  it('skips a BOM at the start of each message joined from files', () => {
    const text = '\ufeff' + lines(oru('B1')) + '\ufeff' + lines(oru('B2'));

    const batch = parseBatch(text);

    expect(batch.members.map((m) => m.controlId)).toEqual(['B1', 'B2']);
    expect(message(batch.member(2))?.toString()).toBe(lines(oru('B2')));
  });
});

describe('parseBatch: members that do not parse', () => {
  it('reports one bad member by position and still returns the others', () => {
    const bad = 'MSH|^^|LAB|ACME||GW|20240315||ORU^R01|BAD\\T\\7|P|2.5.1';
    const batch = parseBatch(
      lines(['BHS|^~\\&'], oru('OK1'), [bad, 'PID|1'], oru('OK3'), ['BTS|3']),
    );

    expect(batch.members.map((m) => m.message !== undefined)).toEqual([true, false, true]);
    const failed = batch.member(2);
    expect(failed?.error?.code).toBe('BAD_ENCODING_CHARACTERS');
    expect(failed?.controlId).toBe('BAD\\T\\7');
    expect(failed?.startLine).toBe(6);
  });

  it('unescapes MSH-10 of a bad member when MSH-2 is usable', () => {
    const bad = 'MSH|^~\\&|LAB|ACME||GW|20240315||ORU^R01|X\\T\\1|P|2.5.1||||||KOI8-R';
    const batch = parseBatch(lines(oru('OK1'), [bad]));

    expect(batch.member(2)?.error?.code).toBe('UNSUPPORTED_CHARSET');
    expect(batch.member(2)?.controlId).toBe('X&1');
  });

  it('applies the message options to each member', () => {
    const wrapped = oru('W2');
    wrapped.splice(3, 0, 'continued comment');
    const text = lines(oru('W1'), wrapped);

    expect(parseBatch(text).member(2)?.message?.repairs[0]?.code).toBe('JOINED_WRAPPED_LINE');
    expect(parseBatch(text, { strict: true }).member(2)?.error?.code).toBe('BAD_SEGMENT');
    expect(parseBatch(text, { maxSegments: 4 }).member(2)?.error?.code).toBe('TOO_LARGE');
  });
});

describe('parseBatch: refusals', () => {
  it.each([
    ['an empty input', '', 'EMPTY_INPUT', undefined],
    ['only blank lines', '\r\n  \r\n', 'EMPTY_INPUT', undefined],
    ['a first line that is no header', lines(['PID|1'], oru('1')), 'NOT_HL7', 'line 1'],
    ['a batch without messages', lines(['BHS|^~\\&'], ['BTS|0']), 'MSH_MISSING', undefined],
    [
      'a segment before the first MSH',
      lines(['BHS|^~\\&'], ['PID|1'], oru('1')),
      'MSH_MISSING',
      'line 2',
    ],
  ])('refuses %s', (_, input, code, location) => {
    expectCode(() => parseBatch(input), code, location);
  });

  it.each([
    ['BTS without BHS', lines(oru('1'), ['BTS|1']), 'line 5'],
    ['FTS without FHS', lines(['BHS|^~\\&'], oru('1'), ['BTS|1'], ['FTS|1']), 'line 7'],
    ['a second FHS', lines(['FHS|^~\\&'], ['FHS|^~\\&'], ['BHS|^~\\&'], oru('1')), 'line 2'],
    ['a BHS after plain messages', lines(oru('1'), ['BHS|^~\\&'], oru('2')), 'line 5'],
    [
      'a second BHS outside a file',
      lines(['BHS|^~\\&'], oru('1'), ['BTS|1'], ['BHS|^~\\&']),
      'line 7',
    ],
    [
      'a BHS inside an open batch',
      lines(['FHS|^~\\&'], ['BHS|^~\\&'], oru('1'), ['BHS|^~\\&']),
      'line 7',
    ],
    ['FTS before the last BTS', lines(['FHS|^~\\&'], ['BHS|^~\\&'], oru('1'), ['FTS|1']), 'line 7'],
    ['a message outside a BHS in a file', lines(['FHS|^~\\&'], oru('1'), ['FTS|0']), 'line 2'],
    [
      'a message after the FTS',
      lines(['FHS|^~\\&'], ['BHS|^~\\&'], oru('1'), ['BTS|1'], ['FTS|1'], oru('2')),
      'line 9',
    ],
    [
      'a segment between batches',
      lines(['FHS|^~\\&'], ['BHS|^~\\&'], oru('1'), ['BTS|1'], ['PID|1']),
      'line 8',
    ],
  ])('refuses %s as BATCH_STRUCTURE', (_, input, location) => {
    expectCode(() => parseBatch(input), 'BATCH_STRUCTURE', location);
  });

  it.each([
    ['BTS-1 counts too few', lines(['BHS|^~\\&'], oru('1'), oru('2'), ['BTS|1']), 'BTS-1'],
    ['BTS-1 is no number', lines(['BHS|^~\\&'], oru('1'), ['BTS|one']), 'BTS-1'],
    [
      'the second BTS-1 is off',
      lines(
        ['FHS|^~\\&'],
        ['BHS|^~\\&'],
        oru('1'),
        ['BTS|1'],
        ['BHS|^~\\&'],
        oru('2'),
        ['BTS|2'],
        ['FTS|2'],
      ),
      'BTS[2]-1',
    ],
    [
      'FTS-1 counts too many',
      lines(['FHS|^~\\&'], ['BHS|^~\\&'], oru('1'), ['BTS|1'], ['FTS|2']),
      'FTS-1',
    ],
  ])('refuses a batch where %s', (_, input, location) => {
    expectCode(() => parseBatch(input), 'BATCH_COUNT_MISMATCH', location);
  });

  it('accepts empty counts, which declare nothing to check', () => {
    const batch = parseBatch(lines(['FHS|^~\\&'], ['BHS|^~\\&'], oru('1'), ['BTS'], ['FTS|']));

    expect(batch.members).toHaveLength(1);
  });

  it('names no field contents in a count error', () => {
    const input = lines(['BHS|^~\\&'], oru('1'), ['BTS|Doe^Jane']);

    expect(() => parseBatch(input)).toThrow(/^BTS-1 does not count the 1 messages/);
    expect(() => parseBatch(input)).not.toThrow(/Doe/);
  });

  it('refuses unusable delimiters in BHS-2', () => {
    expectCode(() => parseBatch(lines(['BHS|^'], oru('1'))), 'BAD_ENCODING_CHARACTERS', 'BHS-2');
  });

  it('refuses more messages than maxMembers, by default 10,000', () => {
    const three = lines(oru('1'), oru('2'), oru('3'));
    const many = 'MSH|^~\\&|LAB\r'.repeat(10_001);

    expectCode(() => parseBatch(three, { maxMembers: 2 }), 'TOO_LARGE');
    expect(parseBatch(three, { maxMembers: 3 }).members).toHaveLength(3);
    expectCode(() => parseBatch(many), 'TOO_LARGE');
    expect(parseBatch(many.slice(13)).members).toHaveLength(10_000);
  });
});
