/**
 * Reads a subscription's `Rules` from a `Config.json`: SQL and correlation filters in the
 * emulator's shape, each compiled once so that a filter the broker cannot run fails at start.
 */

import { ConfigError } from './config-error.js';
import type { ConfigReader, JsonObject } from './config-reader.js';
import {
  compileRule,
  DEFAULT_RULE_NAME,
  type CorrelationRuleFilter,
  type CorrelationValue,
  type RuleConfig,
  type RuleFilter,
} from './filters/index.js';

/** The emulator's correlation filter keys and the filter fields they set. */
const CORRELATION_FIELDS = new Map([
  ['ContentType', 'contentType'],
  ['CorrelationId', 'correlationId'],
  ['Label', 'subject'],
  ['MessageId', 'messageId'],
  ['ReplyTo', 'replyTo'],
  ['ReplyToSessionId', 'replyToSessionId'],
  ['SessionId', 'sessionId'],
  ['To', 'to'],
] as const);

/**
 * Reads one rule: `{ "Name", "Properties": { "FilterType": "Sql" | "Correlation", "SqlFilter":
 * { "SqlExpression" } | "CorrelationFilter": {...}, "Action"?: { "SqlExpression" } } }`.
 *
 * @throws ConfigError `MISSING_SETTING` or `INVALID_SETTING` for a malformed rule, and
 *   `INVALID_RULE`, pointing at the expression, for one that does not compile (an action
 *   with a `SqlExpression` is refused this way too).
 */
export function readRule(reader: ConfigReader, rule: JsonObject): RuleConfig {
  reader.checkKeys(rule, ['Name', 'Properties']);
  const name = rule.fields.Name === DEFAULT_RULE_NAME ? DEFAULT_RULE_NAME : reader.name(rule, 50);
  const properties = reader.object(rule.fields.Properties, `${rule.path}.Properties`);
  reader.checkKeys(properties, ['FilterType', 'SqlFilter', 'CorrelationFilter', 'Action']);

  const filter = readFilter(reader, properties);
  const action = reader.optionalObject(properties.fields.Action, `${properties.path}.Action`);
  if (action) reader.checkKeys(action, ['SqlExpression']);
  const actionSqlExpression = action && reader.optionalString(action, 'SqlExpression');
  const config: RuleConfig = {
    name,
    filter,
    ...(actionSqlExpression === undefined ? {} : { actionSqlExpression }),
  };

  try {
    compileRule(config);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const at = actionSqlExpression
      ? 'Action.SqlExpression'
      : filter.type === 'sql'
        ? 'SqlFilter.SqlExpression'
        : 'CorrelationFilter';
    throw new ConfigError('INVALID_RULE', `${properties.path}.${at}`, reason, { cause: error });
  }
  return config;
}

function readFilter(reader: ConfigReader, properties: JsonObject): RuleFilter {
  const filterType = reader.string(properties, 'FilterType');
  const sqlPath = `${properties.path}.SqlFilter`;
  const correlationPath = `${properties.path}.CorrelationFilter`;

  if (filterType === 'Sql') {
    if (properties.fields.CorrelationFilter !== undefined) {
      reader.warnings.push(`${correlationPath}: ignored, since FilterType is Sql`);
    }
    const sqlFilter = reader.object(properties.fields.SqlFilter, sqlPath);
    reader.checkKeys(sqlFilter, ['SqlExpression']);
    return { type: 'sql', sqlExpression: reader.string(sqlFilter, 'SqlExpression') };
  }

  if (filterType === 'Correlation') {
    if (properties.fields.SqlFilter !== undefined) {
      reader.warnings.push(`${sqlPath}: ignored, since FilterType is Correlation`);
    }
    const correlation = reader.object(properties.fields.CorrelationFilter, correlationPath);
    return readCorrelationFilter(reader, correlation);
  }

  throw new ConfigError(
    'INVALID_SETTING',
    `${properties.path}.FilterType`,
    `must be Sql or Correlation, not '${filterType}'`,
  );
}

function readCorrelationFilter(reader: ConfigReader, filter: JsonObject): CorrelationRuleFilter {
  reader.checkKeys(filter, [...CORRELATION_FIELDS.keys(), 'Properties']);

  const systemProperties: Record<string, string> = {};
  for (const [key, field] of CORRELATION_FIELDS) {
    const value = reader.optionalString(filter, key);
    if (value !== undefined) systemProperties[field] = value;
  }

  const applicationProperties: Record<string, CorrelationValue> = {};
  const properties = reader.optionalObject(filter.fields.Properties, `${filter.path}.Properties`);
  for (const [key, value] of Object.entries(properties?.fields ?? {})) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      const path = `${filter.path}.Properties.${key}`;
      throw new ConfigError('INVALID_SETTING', path, 'must be a string, a number or a boolean');
    }
    applicationProperties[key] = value;
  }

  return { type: 'correlation', ...systemProperties, applicationProperties };
}
