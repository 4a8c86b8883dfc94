/**
 * Correlation filters: a set of system and application property values that a message must
 * all carry, compared for exact equality. Cheaper and stricter than SQL.
 */

import { FilterError } from './filter-error.js';
import type { FilterableMessage, FilterableSystemProperties } from './filterable-message.js';

/** A value a correlation filter can require of an application property. */
export type CorrelationValue = string | number | boolean;

/**
 * A correlation filter as configured: every stated property must equal. `subject` is the
 * emulator's `Label`. At least one property must be stated.
 */
export interface CorrelationFilterConfig extends FilterableSystemProperties {
  readonly applicationProperties?: Readonly<Record<string, CorrelationValue>>;
}

const SYSTEM_FIELDS: readonly (keyof FilterableSystemProperties)[] = [
  'messageId',
  'correlationId',
  'sessionId',
  'subject',
  'to',
  'replyTo',
  'replyToSessionId',
  'contentType',
];

/**
 * Compiles a correlation filter into a predicate: true when the message carries every stated
 * system property and application property with the same value and type. Strings compare
 * exactly (case matters); a `bigint` property equals the same number.
 *
 * @throws FilterError `INVALID_CORRELATION_FILTER` when the filter states no property, or an
 *   application property value is not a string, a finite number or a boolean.
 */
export function compileCorrelationFilter(
  filter: CorrelationFilterConfig,
): (message: FilterableMessage) => boolean {
  const systemChecks = SYSTEM_FIELDS.filter((field) => filter[field] !== undefined).map(
    (field) => [field, filter[field]] as const,
  );
  const propertyChecks = Object.entries(filter.applicationProperties ?? {});

  if (systemChecks.length === 0 && propertyChecks.length === 0) {
    throw new FilterError(
      'INVALID_CORRELATION_FILTER',
      'a correlation filter must state at least one property to match',
    );
  }
  for (const [name, value] of propertyChecks) {
    if (!isCorrelationValue(value)) {
      throw new FilterError(
        'INVALID_CORRELATION_FILTER',
        `correlation filter property '${name}' must be a string, a finite number or a boolean`,
      );
    }
  }

  return (message) =>
    systemChecks.every(([field, expected]) => message.system[field] === expected) &&
    propertyChecks.every(
      ([name, expected]) =>
        Object.hasOwn(message.applicationProperties, name) &&
        normalise(message.applicationProperties[name]) === expected,
    );
}

function isCorrelationValue(value: unknown): value is CorrelationValue {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** AMQP longs arrive as `bigint`; they equal the same JavaScript number. */
function normalise(value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}
