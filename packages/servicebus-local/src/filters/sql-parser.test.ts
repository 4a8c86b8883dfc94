import { describe, expect, it } from 'vitest';

import { FilterError } from './filter-error.js';
import { parseSqlFilter } from './sql-parser.js';

describe('parseSqlFilter', () => {
  it('builds comparisons under AND and OR with AND binding tighter', () => {
    expect(parseSqlFilter("a = 1 OR b = 'x' AND NOT c <> 2")).toMatchObject({
      kind: 'or',
      left: { kind: 'comparison', operator: '=', left: { kind: 'userProperty', name: 'a' } },
      right: {
        kind: 'and',
        left: { kind: 'comparison', right: { kind: 'literal', value: 'x' } },
        right: { kind: 'not', operand: { kind: 'comparison', operator: '<>' } },
      },
    });
  });

  it('reads != as <>', () => {
    expect(parseSqlFilter('a != 1')).toMatchObject({ kind: 'comparison', operator: '<>' });
  });

  it('reads keywords in any case', () => {
    expect(
      parseSqlFilter("a not in ('x') and b Is Not Null or c LIKE 'y%' escape '!'"),
    ).toMatchObject({
      kind: 'or',
      left: {
        kind: 'and',
        left: { kind: 'in', negated: true },
        right: { kind: 'isNull', negated: true },
      },
      right: { kind: 'like', negated: false, pattern: 'y%', escape: '!' },
    });
  });

  it('resolves system properties without regard to case, Label and Subject alike', () => {
    expect(parseSqlFilter("sys.label = 'x' AND SYS.Subject = 'y'")).toMatchObject({
      left: { left: { kind: 'systemProperty', field: 'subject' } },
      right: { left: { kind: 'systemProperty', field: 'subject' } },
    });
  });

  it('reads user. and bracketed names as application properties', () => {
    expect(parseSqlFilter('user.[odd-name] = [and]')).toMatchObject({
      left: { kind: 'userProperty', name: 'odd-name' },
      right: { kind: 'userProperty', name: 'and' },
    });
  });

  it('gives arithmetic the usual precedence', () => {
    expect(parseSqlFilter('a + b * -c = 1')).toMatchObject({
      left: {
        kind: 'arithmetic',
        operator: '+',
        right: { kind: 'arithmetic', operator: '*', right: { kind: 'unary', operator: '-' } },
      },
    });
  });

  it.each([['TRUE'], ['FALSE'], ['(TRUE)'], ['NOT FALSE']])(
    'accepts %s as a whole filter',
    (text) => {
      expect(() => parseSqlFilter(text)).not.toThrow();
    },
  );

  it.each([
    ['', 'SYNTAX_ERROR', 0, 'a condition'],
    ['   ', 'SYNTAX_ERROR', 3, 'a condition'],
    ['a =', 'SYNTAX_ERROR', 3, 'a property, a literal, EXISTS or ('],
    ['a = 1 b = 2', 'SYNTAX_ERROR', 6, 'AND, OR or the end of the filter'],
    ['(a = 1', 'SYNTAX_ERROR', 6, "')'"],
    ['a IN 1, 2', 'SYNTAX_ERROR', 5, "'('"],
    ['a IN ()', 'SYNTAX_ERROR', 6, 'a property, a literal, EXISTS or ('],
    ['a LIKE b', 'SYNTAX_ERROR', 7, 'a pattern in single quotes after LIKE'],
    ["a LIKE 'x' ESCAPE '!!'", 'SYNTAX_ERROR', 18, 'one character'],
    ['a IS 1', 'SYNTAX_ERROR', 5, 'NULL'],
    ['1 IS NULL', 'SYNTAX_ERROR', 0, 'a property before or inside IS NULL'],
    ['abnormal', 'SYNTAX_ERROR', 0, 'a condition such as abnormal = TRUE'],
    ["'x'", 'SYNTAX_ERROR', 0, "a condition such as status = 'F'"],
    ['a = 1 AND b', 'SYNTAX_ERROR', 10, 'a condition such as b = TRUE'],
    ['(a = 1) = TRUE', 'SYNTAX_ERROR', 1, 'a value'],
    ['a = b = c', 'SYNTAX_ERROR', 6, 'AND, OR or the end of the filter'],
    ['a = AND', 'SYNTAX_ERROR', 4, 'a property, a literal, EXISTS or ('],
    ['EXISTS(1)', 'SYNTAX_ERROR', 7, 'a property before or inside EXISTS'],
    ['EXISTS a', 'SYNTAX_ERROR', 7, "'('"],
    ['foo.bar = 1', 'SYNTAX_ERROR', 0, 'sys or user'],
    ['sys. = 1', 'SYNTAX_ERROR', 5, 'a property name'],
    ['sys.DeliveryCount > 1', 'UNKNOWN_SYSTEM_PROPERTY', 4, 'a supported system property'],
    ['sys.Nope = 1', 'UNKNOWN_SYSTEM_PROPERTY', 4, 'a supported system property'],
    ['newid() = 1', 'UNSUPPORTED_FEATURE', 0, undefined],
    ["property('a') = 1", 'UNSUPPORTED_FEATURE', 0, undefined],
    ['a = @p', 'UNSUPPORTED_FEATURE', 4, undefined],
  ])('refuses %j with %s at %i, expecting %s', (text, code, position, expected) => {
    const error = catchError(() => parseSqlFilter(text));
    expect(error).toMatchObject({ code, position, expected });
    expect(error.message).toContain(`position ${position}`);
  });

  it('writes a message that names the position and what was expected', () => {
    expect(() => parseSqlFilter("sendingFacility IN ('LAB1' 'LAB2')")).toThrow(
      "expected ')' but found the string 'LAB2' at position 27",
    );
  });

  it('names the unsupported function', () => {
    expect(() => parseSqlFilter('newid() = 1')).toThrow(
      'function newid() is not supported (only EXISTS), at position 0',
    );
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
