/**
 * A recursive-descent parser for the Service Bus SQL filter language, the subset this broker
 * runs. Precedence, loosest first: `OR`, `AND`, `NOT`, the predicates (`= <> != < > <= >=`,
 * `IN`, `LIKE`, `IS NULL`), `+ -`, `* / %`, unary `+ -`. Keywords ignore case.
 */

import { FilterError } from './filter-error.js';
import { SYSTEM_PROPERTY_FIELDS } from './filterable-message.js';
import type {
  SqlArithmetic,
  SqlComparison,
  SqlCondition,
  SqlNode,
  SqlProperty,
  SqlValueNode,
} from './sql-ast.js';
import { tokenize, type SqlToken } from './sql-lexer.js';

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ESCAPE', 'IS', 'NULL']);
const CONSTANTS = new Map<string, boolean | null>([
  ['TRUE', true],
  ['FALSE', false],
  ['NULL', null],
]);
const COMPARISON_OPERATORS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);

/**
 * Parses a SQL filter expression into its syntax tree.
 *
 * @example parseSqlFilter("sendingFacility IN ('LAB1','LAB2') AND resultStatus <> 'P'")
 * @throws FilterError `SYNTAX_ERROR` with the position and what was expected there;
 *   `UNSUPPORTED_FEATURE` for functions other than `EXISTS` and for `@parameters`;
 *   `UNKNOWN_SYSTEM_PROPERTY` for a `sys.` name this broker cannot read.
 */
export function parseSqlFilter(expression: string): SqlCondition {
  const parser = new Parser(tokenize(expression));
  return parser.parseFilter();
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly SqlToken[]) {}

  parseFilter(): SqlCondition {
    if (this.peek().kind === 'end') throw this.unexpected('a condition');

    const node = this.parseOr();
    if (this.peek().kind !== 'end') throw this.unexpected('AND, OR or the end of the filter');
    return this.condition(node);
  }

  private parseOr(): SqlNode {
    return this.parseLogical('or', () => this.parseAnd());
  }

  private parseAnd(): SqlNode {
    return this.parseLogical('and', () => this.parseNot());
  }

  /** Chains lean left: `a AND b AND c` is `(a AND b) AND c`. */
  private parseLogical(kind: 'and' | 'or', parseOperand: () => SqlNode): SqlNode {
    let left = parseOperand();
    while (this.acceptKeyword(kind.toUpperCase())) {
      const right = this.condition(parseOperand());
      left = { kind, left: this.condition(left), right, position: left.position };
    }
    return left;
  }

  private parseNot(): SqlNode {
    const start = this.peek();
    if (!this.acceptKeyword('NOT')) return this.parsePredicate();

    return { kind: 'not', operand: this.condition(this.parseNot()), position: start.position };
  }

  private parsePredicate(): SqlNode {
    const left = this.parseAdditive();
    const next = this.peek();

    if (next.kind === 'symbol' && COMPARISON_OPERATORS.has(next.value)) {
      this.index += 1;
      const operator = (next.value === '!=' ? '<>' : next.value) as SqlComparison['operator'];
      const right = this.parseAdditive();
      return {
        kind: 'comparison',
        operator,
        left: this.value(left),
        right: this.value(right),
        position: left.position,
      };
    }

    if (this.acceptKeyword('IS')) {
      const negated = this.acceptKeyword('NOT');
      this.expectKeyword('NULL');
      return {
        kind: 'isNull',
        negated,
        property: this.property(left, 'IS NULL'),
        position: left.position,
      };
    }

    const negated =
      this.isKeyword(next, 'NOT') &&
      ['IN', 'LIKE'].some((word) => this.isKeyword(this.peek(1), word));
    if (negated) this.index += 1;
    if (this.acceptKeyword('IN')) return this.parseInList(left, negated);
    if (this.acceptKeyword('LIKE')) return this.parseLike(left, negated);

    return left;
  }

  private parseInList(operand: SqlNode, negated: boolean): SqlNode {
    this.expectSymbol('(');
    const list: SqlValueNode[] = [this.value(this.parseAdditive())];
    while (this.acceptSymbol(',')) list.push(this.value(this.parseAdditive()));
    this.expectSymbol(')');

    return { kind: 'in', negated, operand: this.value(operand), list, position: operand.position };
  }

  private parseLike(operand: SqlNode, negated: boolean): SqlNode {
    const pattern = this.expectString('a pattern in single quotes after LIKE');
    let escape: string | undefined;
    if (this.acceptKeyword('ESCAPE')) {
      const escapeToken = this.peek();
      escape = this.expectString('an escape character in single quotes after ESCAPE');
      if ([...escape].length !== 1) {
        throw new FilterError(
          'SYNTAX_ERROR',
          `ESCAPE takes exactly one character, at position ${escapeToken.position}`,
          {
            position: escapeToken.position,
            expected: 'one character',
          },
        );
      }
    }

    return {
      kind: 'like',
      negated,
      operand: this.value(operand),
      pattern,
      escape,
      position: operand.position,
    };
  }

  private parseAdditive(): SqlNode {
    let left = this.parseMultiplicative();
    for (let op = this.acceptSymbol('+', '-'); op; op = this.acceptSymbol('+', '-')) {
      const right = this.parseMultiplicative();
      left = this.arithmetic(op as SqlArithmetic['operator'], left, right);
    }
    return left;
  }

  private parseMultiplicative(): SqlNode {
    let left = this.parseUnary();
    for (let op = this.acceptSymbol('*', '/', '%'); op; op = this.acceptSymbol('*', '/', '%')) {
      const right = this.parseUnary();
      left = this.arithmetic(op as SqlArithmetic['operator'], left, right);
    }
    return left;
  }

  private parseUnary(): SqlNode {
    const start = this.peek();
    const operator = this.acceptSymbol('+', '-');
    if (!operator) return this.parsePrimary();

    const operand = this.value(this.parseUnary());
    return { kind: 'unary', operator: operator as '+' | '-', operand, position: start.position };
  }

  private parsePrimary(): SqlNode {
    const token = this.peek();

    switch (token.kind) {
      case 'string':
        this.index += 1;
        return { kind: 'literal', value: token.value, position: token.position };
      case 'integer':
      case 'decimal':
        this.index += 1;
        return { kind: 'literal', value: Number(token.value), position: token.position };
      case 'delimitedName':
        this.index += 1;
        return { kind: 'userProperty', name: token.value, position: token.position };
      case 'name':
        return this.parseName(token);
      case 'symbol':
        if (token.value !== '(') break;
        this.index += 1;
        return this.parseParenthesised();
      case 'end':
        break;
    }
    throw this.unexpected('a property, a literal, EXISTS or (');
  }

  private parseParenthesised(): SqlNode {
    const inner = this.parseOr();
    this.expectSymbol(')');
    return inner;
  }

  private parseName(token: SqlToken): SqlNode {
    const upper = token.value.toUpperCase();

    const constant = CONSTANTS.get(upper);
    if (constant !== undefined) {
      this.index += 1;
      return { kind: 'literal', value: constant, position: token.position };
    }
    if (upper === 'EXISTS') return this.parseExists(token);
    if (KEYWORDS.has(upper)) throw this.unexpected('a property, a literal, EXISTS or (');

    const next = this.peek(1);
    if (next.kind === 'symbol' && next.value === '(') {
      throw new FilterError(
        'UNSUPPORTED_FEATURE',
        `function ${token.value}() is not supported (only EXISTS), at position ${token.position}`,
        { position: token.position },
      );
    }
    if (next.kind === 'symbol' && next.value === '.') return this.parseScoped(token);

    this.index += 1;
    return { kind: 'userProperty', name: token.value, position: token.position };
  }

  private parseExists(token: SqlToken): SqlNode {
    this.index += 1;
    this.expectSymbol('(');
    const property = this.property(this.parsePrimary(), 'EXISTS');
    this.expectSymbol(')');
    return { kind: 'exists', property, position: token.position };
  }

  private parseScoped(scope: SqlToken): SqlProperty {
    const scopeName = scope.value.toLowerCase();
    if (scopeName !== 'sys' && scopeName !== 'user') {
      throw new FilterError(
        'SYNTAX_ERROR',
        `unknown scope '${scope.value}' at position ${scope.position}; write sys. or user., ` +
          `or put a name containing dots in brackets`,
        { position: scope.position, expected: 'sys or user' },
      );
    }
    this.index += 2;

    const name = this.peek();
    if (name.kind !== 'name' && name.kind !== 'delimitedName')
      throw this.unexpected('a property name');
    this.index += 1;
    if (scopeName === 'user')
      return { kind: 'userProperty', name: name.value, position: scope.position };

    const field = SYSTEM_PROPERTY_FIELDS.get(name.value.toLowerCase());
    if (!field) {
      throw new FilterError(
        'UNKNOWN_SYSTEM_PROPERTY',
        `system property 'sys.${name.value}' at position ${name.position} is not one this ` +
          `broker filters on (MessageId, CorrelationId, SessionId, Label, Subject, To, ` +
          `ReplyTo, ReplyToSessionId, ContentType)`,
        { position: name.position, expected: 'a supported system property' },
      );
    }
    return { kind: 'systemProperty', name: name.value, field, position: scope.position };
  }

  private arithmetic(operator: SqlArithmetic['operator'], left: SqlNode, right: SqlNode): SqlNode {
    return {
      kind: 'arithmetic',
      operator,
      left: this.value(left),
      right: this.value(right),
      position: left.position,
    };
  }

  /** Checks that `node` stands for a truth value where AND, OR, NOT or the filter needs one. */
  private condition(node: SqlNode): SqlCondition {
    if (node.kind === 'literal' && typeof node.value === 'boolean') return node as SqlCondition;
    if (node.kind === 'literal' || node.kind === 'unary' || node.kind === 'arithmetic') {
      throw this.misplaced(node, "a condition such as status = 'F'", 'a value');
    }
    if (node.kind === 'userProperty' || node.kind === 'systemProperty') {
      throw this.misplaced(
        node,
        `a condition such as ${node.name} = TRUE`,
        `property '${node.name}'`,
      );
    }
    return node;
  }

  /** Checks that `node` stands for a value where an operator needs an operand. */
  private value(node: SqlNode): SqlValueNode {
    switch (node.kind) {
      case 'literal':
      case 'userProperty':
      case 'systemProperty':
      case 'unary':
      case 'arithmetic':
        return node;
      default:
        throw this.misplaced(node, 'a value', 'a condition');
    }
  }

  private property(node: SqlNode, operator: string): SqlProperty {
    if (node.kind === 'userProperty' || node.kind === 'systemProperty') return node;
    throw this.misplaced(node, `a property before or inside ${operator}`, 'another expression');
  }

  private misplaced(node: SqlNode, expected: string, found: string): FilterError {
    return new FilterError(
      'SYNTAX_ERROR',
      `expected ${expected} but found ${found} at position ${node.position}`,
      { position: node.position, expected },
    );
  }

  private peek(ahead = 0): SqlToken {
    const last = this.tokens[this.tokens.length - 1] as SqlToken;
    return this.tokens[this.index + ahead] ?? last;
  }

  private isKeyword(token: SqlToken, word: string): boolean {
    return token.kind === 'name' && token.value.toUpperCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(this.peek(), word)) return false;
    this.index += 1;
    return true;
  }

  private expectKeyword(word: string): void {
    if (!this.acceptKeyword(word)) throw this.unexpected(word);
  }

  private acceptSymbol(...symbols: string[]): string | undefined {
    const token = this.peek();
    if (token.kind !== 'symbol' || !symbols.includes(token.value)) return undefined;
    this.index += 1;
    return token.value;
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) throw this.unexpected(`'${symbol}'`);
  }

  private expectString(expected: string): string {
    const token = this.peek();
    if (token.kind !== 'string') throw this.unexpected(expected);
    this.index += 1;
    return token.value;
  }

  private unexpected(expected: string): FilterError {
    const token = this.peek();
    return new FilterError(
      'SYNTAX_ERROR',
      `expected ${expected} but found ${describe(token)} at position ${token.position}`,
      { position: token.position, expected },
    );
  }
}

function describe(token: SqlToken): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the filter';
    case 'string':
      return `the string '${token.value}'`;
    case 'delimitedName':
      return `[${token.value}]`;
    default:
      return `'${token.value}'`;
  }
}
