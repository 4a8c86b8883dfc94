/**
 * Subscription filters for the broker: Service Bus SQL filters and correlation filters, and
 * the rules that hold them. See `README.md` in this folder for the SQL this broker runs.
 */

export { compileCorrelationFilter } from './correlation.js';
export type { CorrelationFilterConfig, CorrelationValue } from './correlation.js';
export { FilterError, isFilterError } from './filter-error.js';
export type { FilterErrorCode } from './filter-error.js';
export type { FilterableMessage, FilterableSystemProperties } from './filterable-message.js';
export { compileRule, compileRules, DEFAULT_RULE_NAME, matchesAny } from './rule.js';
export type {
  CorrelationRuleFilter,
  MessageMatcher,
  RuleConfig,
  RuleFilter,
  SqlRuleFilter,
} from './rule.js';
export type { SqlCondition, SqlNode } from './sql-ast.js';
export { compileSqlFilter } from './sql-evaluate.js';
export { parseSqlFilter } from './sql-parser.js';
