/**
 * The syntax tree of a Service Bus SQL filter, as `parseSqlFilter` builds it. Every node
 * carries the zero-based `position` of its first character in the expression.
 */

import type { FilterableSystemProperties } from './filterable-message.js';

/** A constant: a string, a number (integer or decimal), `TRUE`/`FALSE`, or `NULL`. */
export interface SqlLiteral {
  readonly kind: 'literal';
  readonly value: string | number | boolean | null;
  readonly position: number;
}

/** `name`, `user.name`, `[odd-name]`: an application property, read by its exact name. */
export interface SqlUserProperty {
  readonly kind: 'userProperty';
  readonly name: string;
  readonly position: number;
}

/** `sys.Label`: a system property, with the field of the message it reads. */
export interface SqlSystemProperty {
  readonly kind: 'systemProperty';
  readonly name: string;
  readonly field: keyof FilterableSystemProperties;
  readonly position: number;
}

/** A property reference of either scope. */
export type SqlProperty = SqlUserProperty | SqlSystemProperty;

/** `-x`, `+x`. */
export interface SqlUnary {
  readonly kind: 'unary';
  readonly operator: '+' | '-';
  readonly operand: SqlValueNode;
  readonly position: number;
}

/** `a + b`, `a - b`, `a * b`, `a / b`, `a % b`: numbers only. */
export interface SqlArithmetic {
  readonly kind: 'arithmetic';
  readonly operator: '+' | '-' | '*' | '/' | '%';
  readonly left: SqlValueNode;
  readonly right: SqlValueNode;
  readonly position: number;
}

/** A node that stands for a value. */
export type SqlValueNode = SqlLiteral | SqlProperty | SqlUnary | SqlArithmetic;

/** `a = b` and its kin; `!=` is read as `<>`. */
export interface SqlComparison {
  readonly kind: 'comparison';
  readonly operator: '=' | '<>' | '<' | '>' | '<=' | '>=';
  readonly left: SqlValueNode;
  readonly right: SqlValueNode;
  readonly position: number;
}

/** `a [NOT] IN (x, y, ...)`. */
export interface SqlIn {
  readonly kind: 'in';
  readonly negated: boolean;
  readonly operand: SqlValueNode;
  readonly list: readonly SqlValueNode[];
  readonly position: number;
}

/** `a [NOT] LIKE 'pattern' [ESCAPE 'c']`. */
export interface SqlLike {
  readonly kind: 'like';
  readonly negated: boolean;
  readonly operand: SqlValueNode;
  readonly pattern: string;
  readonly escape: string | undefined;
  readonly position: number;
}

/** `p IS [NOT] NULL`: true when the property is absent or null. */
export interface SqlIsNull {
  readonly kind: 'isNull';
  readonly negated: boolean;
  readonly property: SqlProperty;
  readonly position: number;
}

/** `EXISTS(p)`: true when the property is present, even with a null value. */
export interface SqlExists {
  readonly kind: 'exists';
  readonly property: SqlProperty;
  readonly position: number;
}

/** `NOT c`. */
export interface SqlNot {
  readonly kind: 'not';
  readonly operand: SqlCondition;
  readonly position: number;
}

/** `c AND d`, `c OR d`. */
export interface SqlLogical {
  readonly kind: 'and' | 'or';
  readonly left: SqlCondition;
  readonly right: SqlCondition;
  readonly position: number;
}

/**
 * A node that stands for a truth value. A `TRUE` or `FALSE` literal is both a value and a
 * condition, so `TRUE` alone is a filter that takes every message.
 */
export type SqlCondition =
  | SqlComparison
  | SqlIn
  | SqlLike
  | SqlIsNull
  | SqlExists
  | SqlNot
  | SqlLogical
  | (SqlLiteral & { readonly value: boolean });

/** Any node of the tree. */
export type SqlNode = SqlValueNode | SqlCondition;
