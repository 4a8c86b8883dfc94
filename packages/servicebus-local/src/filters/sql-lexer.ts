/**
 * Splits a Service Bus SQL filter expression into tokens: names, string and number literals,
 * operators and punctuation. Keywords are plain names here; the parser recognises them.
 */

import { FilterError } from './filter-error.js';

/** What a token is; `end` closes every token list. */
export type SqlTokenKind =
  /** A regular identifier or keyword: a letter, then letters, digits or `_`. */
  | 'name'
  /** A delimited identifier, `[my-prop]` or `"my prop"`: never a keyword. */
  | 'delimitedName'
  /** A string literal in single quotes. */
  | 'string'
  /** Digits only. */
  | 'integer'
  /** Digits with a decimal point, an exponent, or both. */
  | 'decimal'
  /** An operator or punctuation mark: `= <> != < > <= >= + - * / % ( ) , .` */
  | 'symbol'
  | 'end';

/** One token of a SQL filter expression. */
export interface SqlToken {
  readonly kind: SqlTokenKind;
  /** The token as decoded: a name without its brackets, a string without quotes or doubling. */
  readonly value: string;
  /** Zero-based offset of the token's first character in the expression. */
  readonly position: number;
}

const SYMBOLS = [
  '<>',
  '!=',
  '<=',
  '>=',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '(',
  ')',
  ',',
  '.',
];
const NAME = /[\p{L}][\p{L}\p{Nd}_]*/uy;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /\s+/y;

/**
 * Reads `text` into tokens, ending with an `end` token at `text.length`.
 *
 * @throws FilterError `SYNTAX_ERROR` for an unterminated string or delimited name, or a
 *   character that starts no token; `UNSUPPORTED_FEATURE` for a `@parameter`.
 */
export function tokenize(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let position = 0;

  while (position < text.length) {
    const whitespace = matchAt(WHITESPACE, text, position);
    if (whitespace) {
      position += whitespace[0].length;
      continue;
    }

    const token = readToken(text, position);
    tokens.push(token.token);
    position = token.next;
  }

  tokens.push({ kind: 'end', value: '', position: text.length });
  return tokens;
}

function readToken(text: string, position: number): { token: SqlToken; next: number } {
  const char = text[position] ?? '';

  if (char === "'") return readQuoted(text, position, "'", 'string');
  if (char === '[') return readQuoted(text, position, ']', 'delimitedName');
  if (char === '"') return readQuoted(text, position, '"', 'delimitedName');

  const name = matchAt(NAME, text, position);
  if (name) return { token: { kind: 'name', value: name[0], position }, next: NAME.lastIndex };

  const number = matchAt(NUMBER, text, position);
  if (number) {
    const kind = /[.eE]/.test(number[0]) ? 'decimal' : 'integer';
    return { token: { kind, value: number[0], position }, next: NUMBER.lastIndex };
  }

  const symbol = SYMBOLS.find((candidate) => text.startsWith(candidate, position));
  if (symbol)
    return { token: { kind: 'symbol', value: symbol, position }, next: position + symbol.length };

  if (char === '@') {
    throw new FilterError(
      'UNSUPPORTED_FEATURE',
      `filter parameters (@name) are not supported, at position ${position}`,
      { position },
    );
  }
  throw new FilterError('SYNTAX_ERROR', `unexpected character '${char}' at position ${position}`, {
    position,
    expected: 'a name, a literal or an operator',
  });
}

/**
 * Reads a quoted token that starts at `position`; the closing quote written twice stands for
 * itself, as in SQL: `'O''Brien'`, `[a]]b]`.
 */
function readQuoted(
  text: string,
  position: number,
  close: string,
  kind: 'string' | 'delimitedName',
): { token: SqlToken; next: number } {
  let value = '';
  let index = position + 1;

  while (index < text.length) {
    const char = text[index];
    if (char !== close) {
      value += char;
      index += 1;
    } else if (text[index + 1] === close) {
      value += close;
      index += 2;
    } else {
      return { token: { kind, value, position }, next: index + 1 };
    }
  }

  const what = kind === 'string' ? 'string literal' : 'delimited name';
  throw new FilterError('SYNTAX_ERROR', `unterminated ${what} starting at position ${position}`, {
    position,
    expected: close,
  });
}

function matchAt(pattern: RegExp, text: string, position: number): RegExpExecArray | null {
  pattern.lastIndex = position;
  return pattern.exec(text);
}
