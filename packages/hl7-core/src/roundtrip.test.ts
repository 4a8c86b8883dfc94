import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { encodeText, type Charset } from './charset.js';
import { encodingCharacters, type Delimiters } from './delimiters.js';
import { escape } from './escape.js';
import { parse } from './parse.js';
import { serialize } from './serialize.js';

/**
 * Generated messages: random delimiters, segment names, terminators, BOM and trailing blank
 * lines, and fields built from known values, so each test knows both the exact text the
 * parser must give back and every value it must read.
 */

/** Delimiters a sender may pick; `§` and `¦` are one byte in latin1, two in UTF-8. */
const DELIMITER_POOL = '|^~\\&#$*?!@%+=/:;,.<>{}[]_-"\'`§¦'.split('');

const delimiterSets: fc.Arbitrary<Delimiters> = fc
  .tuple(fc.shuffledSubarray(DELIMITER_POOL, { minLength: 6, maxLength: 6 }), fc.boolean())
  .map(([chars, v27]) => ({
    field: chars[0] as string,
    component: chars[1] as string,
    repetition: chars[2] as string,
    escape: chars[3] as string,
    subcomponent: chars[4] as string,
    truncation: v27 ? (chars[5] as string) : '',
  }));

/** How the message travels: a string, or bytes in the charset its MSH-18 names. */
type Encoding = { kind: 'string' } | { kind: 'bytes'; charset: Charset; msh18: string };

const encodings: fc.Arbitrary<Encoding> = fc.constantFrom<Encoding>(
  { kind: 'string' },
  { kind: 'bytes', charset: 'utf-8', msh18: '' },
  { kind: 'bytes', charset: 'utf-8', msh18: 'UNICODE UTF-8' },
  { kind: 'bytes', charset: 'latin1', msh18: '8859/1' },
);

/** One piece of a subcomponent: its raw text and the value it reads as. */
interface Token {
  readonly raw: string;
  readonly value: string;
}

/** Escape sequences written raw, with what `unescape` makes of them. */
const SEQUENCES: readonly [string, (seq: string) => string][] = [
  ['H', () => ''],
  ['N', () => ''],
  ['.br', () => '\n'],
  ['X41', () => 'A'],
  ['Zxx', (seq) => seq],
  ['Z1', (seq) => seq],
  ['.sp', (seq) => seq],
  ['.in+4', (seq) => seq],
  ['C2842', (seq) => seq],
  ['M244228', (seq) => seq],
];

function tokens(d: Delimiters, latin1Only: boolean): fc.Arbitrary<Token> {
  const special = [d.field, d.component, d.repetition, d.escape, d.subcomponent];
  const textUnit = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.string({ unit: latin1Only ? 'binary-ascii' : 'binary', maxLength: 1 }),
    },
    { weight: 1, arbitrary: fc.constantFrom(...special, d.truncation, '\r', '\n', '"', ' ') },
  );
  const text = fc
    .string({ unit: textUnit, maxLength: 12 })
    .map((value) => ({ raw: escape(value, d), value }));
  const usable = SEQUENCES.filter(([body]) => ![...body].some((ch) => special.includes(ch)));
  const sequence = fc.constantFrom(...usable).map(([body, read]) => {
    const seq = d.escape + body + d.escape;
    return { raw: seq, value: read(seq) };
  });
  return fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: sequence });
}

/** A field as repetitions of components of subcomponents, each subcomponent a token list. */
type Field = Token[][][][];

function fields(d: Delimiters, latin1Only: boolean): fc.Arbitrary<Field> {
  const sub = fc.array(tokens(d, latin1Only), { maxLength: 3 });
  const component = fc.array(sub, { minLength: 1, maxLength: 3 });
  const repetition = fc.array(component, { minLength: 1, maxLength: 3 });
  return fc.array(repetition, { minLength: 1, maxLength: 3 });
}

function writeField(field: Field, d: Delimiters): string {
  return field
    .map((rep) =>
      rep
        .map((comp) => comp.map((sub) => sub.map((t) => t.raw).join('')).join(d.subcomponent))
        .join(d.component),
    )
    .join(d.repetition);
}

const valueOf = (sub: Token[]): string => sub.map((t) => t.value).join('');

const segmentNames = fc
  .tuple(
    fc.constantFrom(...'ABCDEFGHIJKLNOPQRSTUVWXYZ'.split('')),
    fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('')),
    fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('')),
  )
  .map((chars) => chars.join(''))
  .filter((name) => !['MSH', 'BHS', 'FHS'].includes(name));

interface Generated {
  readonly input: string | Uint8Array;
  readonly expected: string;
  readonly encoding: Encoding;
  readonly delimiters: Delimiters;
  readonly segments: readonly { name: string; fields: Field[] }[];
}

const TERMINATORS = ['\r', '\n', '\r\n'];

/** Generous, so a loaded machine slows the properties down without failing them. */
const PROPERTY_TIMEOUT_MS = 60_000;

const messages: fc.Arbitrary<Generated> = fc
  .tuple(delimiterSets, encodings)
  .filter(([d, encoding]) => {
    // A latin1 message can only name delimiters latin1 can write.
    return encoding.kind !== 'bytes' || encoding.charset !== 'latin1' || isLatin1(d);
  })
  .chain(([d, encoding]) => {
    const latin1Only = encoding.kind === 'bytes' && encoding.charset === 'latin1';
    const segment = fc.record({
      name: segmentNames,
      fields: fc.array(fields(d, latin1Only), { maxLength: 6 }),
    });
    return fc.record({
      delimiters: fc.constant(d),
      encoding: fc.constant(encoding),
      mshFields: fc.array(fc.array(tokens(d, latin1Only), { maxLength: 2 }), {
        minLength: 15,
        maxLength: 15,
      }),
      segments: fc.array(segment, { maxLength: 6 }),
      terminators: fc.array(fc.constantFrom(...TERMINATORS), { minLength: 7, maxLength: 7 }),
      finalTerminator: fc.boolean(),
      bom: fc.boolean(),
      trailing: fc.array(
        fc.tuple(fc.constantFrom('', ' ', '\t', '  '), fc.constantFrom(...TERMINATORS)),
        { maxLength: 3 },
      ),
    });
  })
  .map((g) => {
    const d = g.delimiters;
    const msh18 = g.encoding.kind === 'bytes' ? escape(g.encoding.msh18, d) : '';
    const header = [
      'MSH' + d.field + encodingCharacters(d),
      ...g.mshFields.map((field) => field.map((t) => t.raw).join('')),
      msh18,
    ].join(d.field);
    const lines = [
      header,
      ...g.segments.map((s) => [s.name, ...s.fields.map((f) => writeField(f, d))].join(d.field)),
    ];

    let text = '';
    lines.forEach((line, i) => {
      const last = i === lines.length - 1;
      const terminator = g.terminators[i % g.terminators.length] as string;
      text += line + (last && !g.finalTerminator && g.trailing.length === 0 ? '' : terminator);
    });
    for (const [blank, terminator] of g.trailing) text += blank + terminator;

    const expected = lines.map((line) => line + '\r').join('');
    let input: string | Uint8Array;
    if (g.encoding.kind === 'string') {
      input = (g.bom ? '\uFEFF' : '') + text;
    } else {
      const body = encodeText(text, g.encoding.charset);
      input = g.bom ? new Uint8Array([0xef, 0xbb, 0xbf, ...body]) : body;
    }
    return { input, expected, encoding: g.encoding, delimiters: d, segments: g.segments };
  });

function isLatin1(d: Delimiters): boolean {
  return encodingCharacters(d)
    .concat(d.field)
    .split('')
    .every((ch) => ch.charCodeAt(0) <= 0xff);
}

describe('parse and serialize, as properties', () => {
  it(
    'parse(x).toString() is x with terminators made \\r, BOM and trailing blank lines dropped',
    () => {
      fc.assert(
        fc.property(messages, ({ input, expected, encoding }) => {
          const message = parse(input, { strict: true });

          expect(message.toString()).toBe(expected);
          if (encoding.kind === 'bytes') {
            expect(message.charset).toBe(encoding.charset);
            expect(serialize(message, { bytes: true })).toEqual(
              encodeText(expected, encoding.charset),
            );
          }
          expect(message.repairs).toEqual([]);
        }),
        { numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'reads back every value the message was built from',
    () => {
      fc.assert(
        fc.property(messages, ({ input, delimiters, segments }) => {
          const message = parse(input);

          expect(message.delimiters).toEqual(delimiters);
          expect(message.segments()).toHaveLength(segments.length + 1);
          segments.forEach((generated, s) => {
            const segment = message.segments()[s + 1];
            expect(segment?.name).toBe(generated.name);
            generated.fields.forEach((field, f) => {
              field.forEach((rep, r) => {
                rep.forEach((comp, c) => {
                  comp.forEach((sub, sc) => {
                    expect(segment?.value(f + 1, r + 1, c + 1, sc + 1)).toBe(valueOf(sub));
                  });
                  if (comp.length === 1) {
                    expect(segment?.value(f + 1, r + 1, c + 1)).toBe(valueOf(comp[0] ?? []));
                  }
                });
              });
            });
          });
        }),
        { numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'reads back values written with set, through a second parse',
    () => {
      fc.assert(
        fc.property(
          messages,
          fc.string({ unit: 'binary', maxLength: 20 }),
          fc.integer({ min: 1, max: 8 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 4 }),
          (generated, value, field, repetition, component) => {
            const message = parse(generated.input);
            const segment = message.appendSegment('ZZZ');
            const path = `${field}[${repetition}].${component}`;
            segment.set(path, value);

            // The generated message may hold Z-segments named ZZZ already: address the new one.
            const occurrence = message.segments().filter((s) => s.name === 'ZZZ').length;
            const reread = parse(message.toString());
            expect(reread.get(`ZZZ[${occurrence}]-${path}`)).toBe(value);
            expect(reread.segments()).toHaveLength(message.segments().length);
          },
        ),
        { numRuns: 200 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
