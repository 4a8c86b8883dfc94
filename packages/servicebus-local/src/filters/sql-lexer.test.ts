import { describe, expect, it } from 'vitest';

import { FilterError } from './filter-error.js';
import { tokenize } from './sql-lexer.js';

function kindsAndValues(text: string): string[] {
  return tokenize(text).map((token) => `${token.kind}:${token.value}`);
}

describe('tokenize', () => {
  it.each([
    ['abnormal = TRUE', ['name:abnormal', 'symbol:=', 'name:TRUE', 'end:']],
    ["name = 'O''Brien'", ['name:name', 'symbol:=', "string:O'Brien", 'end:']],
    ["''", ['string:', 'end:']],
    ['[odd-name] >= 5', ['delimitedName:odd-name', 'symbol:>=', 'integer:5', 'end:']],
    ['[a]]b]', ['delimitedName:a]b', 'end:']],
    ['"my prop"<>1.5', ['delimitedName:my prop', 'symbol:<>', 'decimal:1.5', 'end:']],
    ['x!=.5e3', ['name:x', 'symbol:!=', 'decimal:.5e3', 'end:']],
    ['sys.Label', ['name:sys', 'symbol:.', 'name:Label', 'end:']],
    ['(a<=b)', ['symbol:(', 'name:a', 'symbol:<=', 'name:b', 'symbol:)', 'end:']],
    ['a%2*3/4+1-0', ['name:a', 'symbol:%', 'integer:2', 'symbol:*', 'integer:3', 'symbol:/']],
    ['température_1 = 2E10', ['name:température_1', 'symbol:=', 'decimal:2E10', 'end:']],
    ['a\n\tIN\r\n(1,2)', ['name:a', 'name:IN', 'symbol:(', 'integer:1', 'symbol:,', 'integer:2']],
  ])('reads %j', (text, expected) => {
    expect(kindsAndValues(text).slice(0, expected.length)).toEqual(expected);
  });

  it('records where each token starts', () => {
    expect(tokenize("a  = 'x'").map((token) => token.position)).toEqual([0, 3, 5, 8]);
  });

  it.each([
    ["name = 'unterminated", 'unterminated string literal starting at position 7', 7],
    ['[no-close = 1', 'unterminated delimited name starting at position 0', 0],
    ['a = 1;', "unexpected character ';' at position 5", 5],
    ['_x = 1', "unexpected character '_' at position 0", 0],
  ])('refuses %j', (text, message, position) => {
    const error = catchError(() => tokenize(text));
    expect(error).toMatchObject({ code: 'SYNTAX_ERROR', message, position });
  });

  it('names parameters as unsupported', () => {
    expect(catchError(() => tokenize('a = @p'))).toMatchObject({
      code: 'UNSUPPORTED_FEATURE',
      position: 4,
    });
  });
});

function catchError(action: () => unknown): FilterError {
  try {
    action();
  } catch (error) {
    if (error instanceof FilterError) return error;
    throw error;
  }
  throw new Error('expected a FilterError');
}
