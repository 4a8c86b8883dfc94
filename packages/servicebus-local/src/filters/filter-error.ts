/**
 * The single error type subscription filters throw: when a SQL filter or a correlation filter
 * cannot be compiled. A compiled filter never throws while it evaluates a message.
 */

/** The closed list of reasons a filter is refused. A code never changes meaning. */
export type FilterErrorCode =
  /** The SQL text breaks the grammar: an unexpected character or token, or a missing one. */
  | 'SYNTAX_ERROR'
  /** Valid Service Bus SQL that this broker does not run (a function, parameters, an action). */
  | 'UNSUPPORTED_FEATURE'
  /** `sys.<name>` names no system property this broker can filter on. */
  | 'UNKNOWN_SYSTEM_PROPERTY'
  /** A correlation filter states no property to match, or a value of an unusable type. */
  | 'INVALID_CORRELATION_FILTER';

/**
 * Thrown by `parseSqlFilter`, `compileSqlFilter`, `compileCorrelationFilter` and
 * `compileRule`. The message names the code's cause and, for SQL, the position and what was
 * expected there; it quotes only the filter text, never message content.
 */
export class FilterError extends Error {
  /** Which rule the filter broke. */
  readonly code: FilterErrorCode;
  /** Zero-based offset into the SQL expression where the problem starts, when there is one. */
  readonly position: number | undefined;
  /** What the parser expected at `position` (`')'`, `a property name`), when it knows. */
  readonly expected: string | undefined;

  constructor(
    code: FilterErrorCode,
    message: string,
    details: { position?: number; expected?: string } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'FilterError';
    this.code = code;
    this.position = details.position;
    this.expected = details.expected;
  }
}

/** True when `error` is a `FilterError`, checked by name and code so it holds across bundles. */
export function isFilterError(error: unknown): error is FilterError {
  return (
    error instanceof FilterError ||
    (error instanceof Error && error.name === 'FilterError' && 'code' in error)
  );
}
