import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { DEFAULT_DELIMITERS, type Delimiters } from './delimiters.js';
import { escape, hexEscape, unescape } from './escape.js';
import { parse } from './parse.js';

const V27: Delimiters = { ...DEFAULT_DELIMITERS, truncation: '#' };

/** As declared by `MSH#$~?*`: field `#`, component `$`, repetition `~`, escape `?`, sub `*`. */
const CUSTOM: Delimiters = {
  field: '#',
  component: '$',
  repetition: '~',
  escape: '?',
  subcomponent: '*',
  truncation: '',
};

describe('unescape', () => {
  it.each([
    ['\\F\\', '|'],
    ['\\S\\', '^'],
    ['\\T\\', '&'],
    ['\\R\\', '~'],
    ['\\E\\', '\\'],
    ['Glucose \\T\\ ketones', 'Glucose & ketones'],
    ['A\\S\\B\\F\\C\\R\\D\\E\\E', 'A^B|C~D\\E'],
    ['line one\\.br\\line two', 'line one\nline two'],
    ['\\H\\CRITICAL\\N\\ value', 'CRITICAL value'],
    ['\\X41\\', 'A'],
    ['caf\\XC3A9\\', 'café'],
    ['Gwyne\\XC5B5\\', 'Gwyneŵ'],
    ['\\XE282AC\\10', '€10'],
    ['\\X0D0A\\', '\r\n'],
    ['\\XEFBBBF\\', '\uFEFF'],
    ['no escapes here', 'no escapes here'],
    ['', ''],
  ])('reads %j as %j in UTF-8', (raw, expected) => {
    expect(unescape(raw, DEFAULT_DELIMITERS)).toBe(expected);
  });

  it.each([
    ['\\Zxx\\', 'locally defined sequence'],
    ['\\Z\\', 'empty locally defined sequence'],
    ['\\C2842\\', 'single-byte character set switch'],
    ['\\M2442\\', 'multi-byte character set switch'],
    ['\\M244228\\', 'three-byte character set switch'],
    ['\\.sp\\', 'skip lines'],
    ['\\.sp2\\', 'skip two lines'],
    ['\\.in+4\\', 'indent'],
    ['\\.ti-2\\', 'temporary indent'],
    ['\\.ce\\', 'centre'],
    ['\\.fi\\', 'fill'],
    ['\\.nf\\', 'no fill'],
    ['\\X\\', 'empty hex'],
    ['\\X4\\', 'odd-length hex'],
    ['\\XZZ\\', 'non-hex digits'],
    ['\\x41\\', 'lower-case x'],
    ['\\P\\', 'truncation sequence without a truncation character'],
    ['\\\\', 'two escape characters'],
  ])('passes %j (%s) through unchanged', (raw) => {
    expect(unescape(raw, DEFAULT_DELIMITERS)).toBe(raw);
  });

  it('keeps an unknown sequence whole and still reads the sequences after it', () => {
    expect(unescape('a\\Zxx\\b\\F\\c', DEFAULT_DELIMITERS)).toBe('a\\Zxx\\b|c');
  });

  it.each([
    ['trailing escape character', 'Result\\', 'Result\\'],
    ['unterminated sequence', 'pH \\F', 'pH \\F'],
    ['sequence then unterminated one', '\\S\\ then \\T', '^ then \\T'],
  ])('keeps an %s as is', (_case, raw, expected) => {
    expect(unescape(raw, DEFAULT_DELIMITERS)).toBe(expected);
  });

  it('reads \\P\\ as the v2.7 truncation character when the message declares one', () => {
    expect(unescape('Apt \\P\\4', V27)).toBe('Apt #4');
  });

  it.each([
    ['\\XE9\\', 'é'],
    ['\\XC5B5\\', 'Å\u00B5'],
    ['Mu\\XF1\\oz', 'Muñoz'],
  ])('decodes hex %j byte by byte in latin1 (MSH-18 8859/1)', (raw, expected) => {
    expect(unescape(raw, DEFAULT_DELIMITERS, 'latin1')).toBe(expected);
  });

  it('decodes invalid UTF-8 hex as U+FFFD rather than failing', () => {
    expect(unescape('\\XFF\\', DEFAULT_DELIMITERS, 'utf-8')).toBe('\uFFFD');
  });

  it.each([
    ['?F?', '#'],
    ['?S?', '$'],
    ['?R?', '~'],
    ['?T?', '*'],
    ['?E?', '?'],
    ['?.br?', '\n'],
    ['?X41?', 'A'],
    ['\\F\\', '\\F\\'],
  ])('reads %j as %j with a custom escape character', (raw, expected) => {
    expect(unescape(raw, CUSTOM)).toBe(expected);
  });

  it('reads escapes with the delimiters a parsed message declares', () => {
    const message = parse('MSH#$~?*#LAB#FAC\rNTE#1##Ratio 1?S?2 ?T? rising?E?\r');

    expect(message.delimiters).toEqual(CUSTOM);
    expect(message.get('NTE-3')).toBe('Ratio 1$2 * rising?');
  });

  it('leaves text alone when the message declares no escape character', () => {
    const noEscape: Delimiters = { ...DEFAULT_DELIMITERS, escape: '', subcomponent: '' };

    expect(unescape('\\F\\', noEscape)).toBe('\\F\\');
  });

  it('passes \\T\\ through when the message declares no subcomponent separator', () => {
    const noSub: Delimiters = { ...DEFAULT_DELIMITERS, subcomponent: '' };

    expect(unescape('\\T\\', noSub)).toBe('\\T\\');
  });
});

describe('escape', () => {
  it.each([
    ['|', '\\F\\'],
    ['^', '\\S\\'],
    ['&', '\\T\\'],
    ['~', '\\R\\'],
    ['\\', '\\E\\'],
    ['\n', '\\.br\\'],
    ['\r', '\\X0D\\'],
    ['#', '#'],
    ['Hgb 12.1 g/dL', 'Hgb 12.1 g/dL'],
    ['A^B|C', 'A\\S\\B\\F\\C'],
  ])('writes %j as %j', (text, expected) => {
    expect(escape(text, DEFAULT_DELIMITERS)).toBe(expected);
  });

  it('writes the v2.7 truncation character as \\P\\', () => {
    expect(escape('Apt #4', V27)).toBe('Apt \\P\\4');
  });

  it('writes with a custom escape character', () => {
    expect(escape('#$~*?\n', CUSTOM)).toBe('?F??S??R??T??E??.br?');
  });

  it('writes a line feed as hex when "." is a delimiter, so the sequence never splits', () => {
    const dotted: Delimiters = { ...DEFAULT_DELIMITERS, component: '.' };

    expect(escape('a\nb', dotted)).toBe('a\\X0A\\b');
    expect(unescape(escape('a\nb', dotted), dotted)).toBe('a\nb');
  });

  it('returns text unchanged when the message declares no escape character', () => {
    const noEscape: Delimiters = { ...DEFAULT_DELIMITERS, escape: '', subcomponent: '' };

    expect(escape('a|b', noEscape)).toBe('a|b');
  });

  it.each([
    ['utf-8', 'ŵ', '\\XC5B5\\'],
    ['latin1', 'é', '\\XE9\\'],
    ['latin1', 'ŵ', '\\X3F\\'],
  ] as const)('hex-escapes in %s: %j as %j', (charset, text, expected) => {
    expect(hexEscape(text, DEFAULT_DELIMITERS, charset)).toBe(expected);
    if (!expected.includes('3F')) {
      expect(unescape(expected, DEFAULT_DELIMITERS, charset)).toBe(text);
    }
  });
});

/** Delimiter sets as a parser would accept them: distinct, no letter, digit or space. */
const delimiterSets = fc
  .uniqueArray(fc.constantFrom(...'|^~\\&#$*?!@%+=/:;,.<>{}[]_-"\''.split('')), {
    minLength: 6,
    maxLength: 6,
  })
  .chain((chars) =>
    fc.record({
      field: fc.constant(chars[0] as string),
      component: fc.constant(chars[1] as string),
      repetition: fc.constant(chars[2] as string),
      escape: fc.constant(chars[3] as string),
      subcomponent: fc.constant(chars[4] as string),
      truncation: fc.constantFrom('', chars[5] as string),
    }),
  );

/** Strings rich in delimiters, escape sequences and line breaks. */
const trickyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...'|^~\\&#$*?.!XEFSTRPbr\r\n'.split('')),
    fc.constantFrom('\\F\\', '\\X0D\\', '\\.br\\', '?E?', 'ŵ', '\uFEFF', '😀'),
    fc.string({ unit: 'grapheme', maxLength: 1 }),
  ),
  maxLength: 40,
});

describe('escape and unescape, as properties', () => {
  it('unescape(escape(s)) is s, for any string of UTF-16 units, default delimiters', () => {
    const anyUnit = fc.nat(0xffff).map((code) => String.fromCharCode(code));
    fc.assert(
      fc.property(fc.string({ unit: anyUnit }), (text) => {
        expect(unescape(escape(text, DEFAULT_DELIMITERS), DEFAULT_DELIMITERS)).toBe(text);
      }),
    );
  });

  it('unescape(escape(s)) is s, for any string, delimiter set and charset', () => {
    fc.assert(
      fc.property(
        trickyText,
        delimiterSets,
        fc.constantFrom('utf-8', 'latin1', 'ascii' as const),
        (text, delimiters, charset) => {
          expect(unescape(escape(text, delimiters), delimiters, charset)).toBe(text);
        },
      ),
    );
  });

  it('escaped text holds no delimiter other than the escape character, and no line break', () => {
    fc.assert(
      fc.property(trickyText, delimiterSets, (text, d) => {
        const escaped = escape(text, d);
        for (const ch of [d.field, d.component, d.repetition, d.subcomponent, d.truncation]) {
          if (ch !== '') expect(escaped).not.toContain(ch);
        }
        expect(escaped).not.toMatch(/[\r\n]/);
      }),
    );
  });
});
