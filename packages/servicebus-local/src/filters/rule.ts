/**
 * Subscription rules: a named SQL or correlation filter. A message enters a subscription when
 * any of its rules matches; a subscription without rules takes every message.
 */

import { compileCorrelationFilter, type CorrelationFilterConfig } from './correlation.js';
import { FilterError, isFilterError } from './filter-error.js';
import type { FilterableMessage } from './filterable-message.js';
import { compileSqlFilter } from './sql-evaluate.js';

/** The name Service Bus gives the rule it creates with a new subscription. */
export const DEFAULT_RULE_NAME = '$Default';

/** A SQL filter: `"FilterType": "Sql"` with `SqlFilter.SqlExpression` in the emulator's file. */
export interface SqlRuleFilter {
  readonly type: 'sql';
  readonly sqlExpression: string;
}

/** A correlation filter: `"FilterType": "Correlation"` with `CorrelationFilter`. */
export interface CorrelationRuleFilter extends CorrelationFilterConfig {
  readonly type: 'correlation';
}

/** Either kind of rule filter. */
export type RuleFilter = SqlRuleFilter | CorrelationRuleFilter;

/** One rule of a subscription, as `loadConfig` reads it. */
export interface RuleConfig {
  readonly name: string;
  readonly filter: RuleFilter;
  /** The rule's SQL action (`SET`, `REMOVE`); kept only so `compileRule` can refuse it. */
  readonly actionSqlExpression?: string;
}

/** A compiled filter: true when the message matches. Never throws. */
export type MessageMatcher = (message: FilterableMessage) => boolean;

/**
 * Compiles one rule into a matcher.
 *
 * @example compileRule({ name: 'abnormal', filter: { type: 'sql', sqlExpression: 'abnormal = TRUE' } })
 * @throws FilterError with the rule's name in the message: `UNSUPPORTED_FEATURE` for a rule
 *   action, and whatever `compileSqlFilter` or `compileCorrelationFilter` throws.
 */
export function compileRule(rule: RuleConfig): MessageMatcher {
  try {
    if (rule.actionSqlExpression !== undefined && rule.actionSqlExpression.trim() !== '') {
      throw new FilterError(
        'UNSUPPORTED_FEATURE',
        'rule actions (SET, REMOVE) are not supported by this broker',
      );
    }
    return rule.filter.type === 'sql'
      ? compileSqlFilter(rule.filter.sqlExpression)
      : compileCorrelationFilter(rule.filter);
  } catch (error) {
    if (!isFilterError(error)) throw error;
    const details = { position: error.position, expected: error.expected };
    throw new FilterError(error.code, `rule '${rule.name}': ${error.message}`, details, {
      cause: error,
    });
  }
}

/**
 * Compiles a subscription's rules into one matcher that is true when any rule matches, or
 * always true when there are no rules.
 *
 * @throws FilterError as `compileRule` does, for the first rule that does not compile.
 */
export function compileRules(rules: readonly RuleConfig[]): MessageMatcher {
  if (rules.length === 0) return () => true;

  const matchers = rules.map(compileRule);
  return (message) => matchers.some((matches) => matches(message));
}

const compiledRules = new WeakMap<RuleConfig, MessageMatcher>();

/**
 * True when any of `rules` matches `message`, or when there are no rules. Each rule object is
 * compiled once and remembered, so calling this per message is cheap.
 *
 * @throws FilterError as `compileRule` does, the first time it meets a rule that does not compile.
 */
export function matchesAny(rules: readonly RuleConfig[], message: FilterableMessage): boolean {
  if (rules.length === 0) return true;

  return rules.some((rule) => {
    let matches = compiledRules.get(rule);
    if (!matches) {
      matches = compileRule(rule);
      compiledRules.set(rule, matches);
    }
    return matches(message);
  });
}
