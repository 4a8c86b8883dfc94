/**
 * Turns a parsed SQL filter into a function over messages, with Service Bus's semantics:
 * three-valued logic in which an absent property, a null, or operands of mismatched types
 * make a comparison unknown, and a filter matches only when it is true.
 */

import { FilterError } from './filter-error.js';
import type { FilterableMessage } from './filterable-message.js';
import type { SqlCondition, SqlLike, SqlNode, SqlProperty, SqlValueNode } from './sql-ast.js';
import { parseSqlFilter } from './sql-parser.js';

/** A truth value of three-valued logic: `undefined` is unknown. */
type Truth = boolean | undefined;

/** A value a filter can compute with; `undefined` is unknown (absent, null or unusable). */
type SqlValue = string | number | boolean | undefined;

type ValueOf = (message: FilterableMessage) => SqlValue;
type TruthOf = (message: FilterableMessage) => Truth;

/**
 * Compiles a SQL filter expression, or a tree from `parseSqlFilter`, into a predicate that is
 * true when the filter holds for a message and false when it is false or unknown.
 *
 * @example compileSqlFilter('abnormal = TRUE')({ applicationProperties: { abnormal: true }, system: {} })
 * @throws FilterError as `parseSqlFilter` does, and `SYNTAX_ERROR` for a LIKE pattern that ends
 *   with its escape character. The returned predicate never throws.
 */
export function compileSqlFilter(
  filter: string | SqlCondition,
): (message: FilterableMessage) => boolean {
  const condition = typeof filter === 'string' ? parseSqlFilter(filter) : filter;
  const truthOf = compileCondition(condition);
  return (message) => truthOf(message) === true;
}

function compileCondition(node: SqlCondition): TruthOf {
  switch (node.kind) {
    case 'literal':
      return () => node.value;
    case 'not': {
      const operand = compileCondition(node.operand);
      return (message) => not(operand(message));
    }
    case 'and':
      return compileAnd(compileCondition(node.left), compileCondition(node.right));
    case 'or':
      return compileOr(compileCondition(node.left), compileCondition(node.right));
    case 'comparison': {
      const left = compileValue(node.left);
      const right = compileValue(node.right);
      return (message) => compareValues(left(message), right(message), node.operator);
    }
    case 'in':
      return compileIn(compileValue(node.operand), node.list.map(compileValue), node.negated);
    case 'like':
      return compileLike(node);
    case 'isNull': {
      const read = compileRawRead(node.property);
      return (message) => {
        const value = read(message);
        return (value === undefined || value === null) !== node.negated;
      };
    }
    case 'exists':
      return compileExists(node.property);
  }
}

function compileAnd(left: TruthOf, right: TruthOf): TruthOf {
  return (message) => {
    const first = left(message);
    if (first === false) return false;
    const second = right(message);
    if (second === false) return false;
    return first === true && second === true ? true : undefined;
  };
}

function compileOr(left: TruthOf, right: TruthOf): TruthOf {
  return (message) => {
    const first = left(message);
    if (first === true) return true;
    const second = right(message);
    if (second === true) return true;
    return first === false && second === false ? false : undefined;
  };
}

function not(truth: Truth): Truth {
  return truth === undefined ? undefined : !truth;
}

type ComparisonOperator = Extract<SqlNode, { kind: 'comparison' }>['operator'];

const COMPARATORS: Record<ComparisonOperator, (order: number) => boolean> = {
  '=': (order) => order === 0,
  '<>': (order) => order !== 0,
  '<': (order) => order < 0,
  '>': (order) => order > 0,
  '<=': (order) => order <= 0,
  '>=': (order) => order >= 0,
};

/**
 * Numbers compare by value; strings and booleans only for (in)equality, since Service Bus
 * binds operators as C# does and C# orders neither. Mixed types never convert: unknown.
 */
function compareValues(left: SqlValue, right: SqlValue, operator: ComparisonOperator): Truth {
  if (left === undefined || right === undefined || typeof left !== typeof right) return undefined;

  if (typeof left === 'number') {
    const order = left < (right as number) ? -1 : left > (right as number) ? 1 : 0;
    return Number.isNaN(left) || Number.isNaN(right) ? undefined : COMPARATORS[operator](order);
  }
  if (operator === '=') return left === right;
  if (operator === '<>') return left !== right;
  return undefined;
}

function compileIn(operand: ValueOf, list: ValueOf[], negated: boolean): TruthOf {
  return (message) => {
    const value = operand(message);
    if (value === undefined) return undefined;

    let result: Truth = false;
    for (const item of list) {
      const truth = compareValues(value, item(message), '=');
      if (truth === true) {
        result = true;
        break;
      }
      if (truth === undefined) result = undefined;
    }
    return negated ? not(result) : result;
  };
}

function compileLike(node: SqlLike): TruthOf {
  const operand = compileValue(node.operand);
  const pattern = likePattern(node);
  return (message) => {
    const value = operand(message);
    if (typeof value !== 'string') return undefined;
    return pattern.test(value) !== node.negated;
  };
}

/** `%` is any run of characters, `_` any one; the escape character makes the next literal. */
function likePattern(node: SqlLike): RegExp {
  const characters = [...node.pattern];
  let source = '';

  for (let index = 0; index < characters.length; index += 1) {
    const character = characters[index] as string;
    if (character === node.escape) {
      index += 1;
      const escaped = characters[index];
      if (escaped === undefined) {
        throw new FilterError(
          'SYNTAX_ERROR',
          `the LIKE pattern at position ${node.position} ends with its escape character`,
          { position: node.position, expected: 'a character after the escape character' },
        );
      }
      source += escapeRegExp(escaped);
    } else if (character === '%') {
      source += '.*';
    } else if (character === '_') {
      source += '.';
    } else {
      source += escapeRegExp(character);
    }
  }

  return new RegExp(`^${source}$`, 'su');
}

function escapeRegExp(character: string): string {
  return character.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

function compileExists(property: SqlProperty): TruthOf {
  if (property.kind === 'systemProperty') {
    return (message) => message.system[property.field] !== undefined;
  }
  return (message) => Object.hasOwn(message.applicationProperties, property.name);
}

function compileRawRead(property: SqlProperty): (message: FilterableMessage) => unknown {
  if (property.kind === 'systemProperty') return (message) => message.system[property.field];
  return (message) =>
    Object.hasOwn(message.applicationProperties, property.name)
      ? message.applicationProperties[property.name]
      : undefined;
}

function compileValue(node: SqlValueNode): ValueOf {
  switch (node.kind) {
    case 'literal': {
      const value = node.value ?? undefined;
      return () => value;
    }
    case 'userProperty':
    case 'systemProperty': {
      const read = compileRawRead(node);
      return (message) => toSqlValue(read(message));
    }
    case 'unary': {
      const operand = compileValue(node.operand);
      const sign = node.operator === '-' ? -1 : 1;
      return (message) => {
        const value = operand(message);
        return typeof value === 'number' ? sign * value : undefined;
      };
    }
    case 'arithmetic': {
      const left = compileValue(node.left);
      const right = compileValue(node.right);
      const apply = ARITHMETIC[node.operator];
      return (message) => {
        const a = left(message);
        const b = right(message);
        return typeof a === 'number' && typeof b === 'number' ? apply(a, b) : undefined;
      };
    }
  }
}

/**
 * Division and remainder of two integers are integer operations, as in C#; a zero divisor
 * makes the result unknown rather than failing the message.
 */
const ARITHMETIC: Record<'+' | '-' | '*' | '/' | '%', (a: number, b: number) => SqlValue> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => {
    if (b === 0) return undefined;
    return Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(a / b) : a / b;
  },
  '%': (a, b) => (b === 0 ? undefined : a % b),
};

/** AMQP longs arrive as `bigint`; other types (dates, buffers, maps) match no comparison. */
function toSqlValue(raw: unknown): SqlValue {
  switch (typeof raw) {
    case 'string':
    case 'number':
    case 'boolean':
      return raw;
    case 'bigint':
      return Number(raw);
    default:
      return undefined;
  }
}
