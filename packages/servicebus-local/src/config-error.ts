/**
 * The single error type configuration loading throws: a `Config.json` this broker cannot run.
 */

/** The closed list of reasons a configuration is refused. A code never changes meaning. */
export type ConfigErrorCode =
  /** The text is not JSON. */
  | 'INVALID_JSON'
  /** A required setting (`UserConfig`, a `Name`, a rule's filter) is absent. */
  | 'MISSING_SETTING'
  /** A setting has the wrong type or a value out of range, or names no entity it could. */
  | 'INVALID_SETTING'
  /** Two entities share a name, or two subscriptions of a topic, or two rules of one. */
  | 'DUPLICATE_NAME'
  /** A rule's filter does not compile, or uses what this broker does not run. */
  | 'INVALID_RULE';

/**
 * Thrown by `loadConfig` and `parseConfig`, and by nothing else. The message starts with the
 * JSON path of the offending setting, e.g. `UserConfig.Namespaces[0].Queues[1].Properties.
 * LockDuration`; the filter error or JSON error behind it is kept as `cause`.
 */
export class ConfigError extends Error {
  /** Which rule the configuration broke. */
  readonly code: ConfigErrorCode;
  /** The JSON path of the setting at fault, or `''` for the document itself. */
  readonly path: string;

  constructor(code: ConfigErrorCode, path: string, problem: string, options?: ErrorOptions) {
    super(path === '' ? problem : `${path}: ${problem}`, options);
    this.name = 'ConfigError';
    this.code = code;
    this.path = path;
  }
}

/** True when `error` is a `ConfigError`, checked by name and code so it holds across bundles. */
export function isConfigError(error: unknown): error is ConfigError {
  return (
    error instanceof ConfigError ||
    (error instanceof Error && error.name === 'ConfigError' && 'code' in error)
  );
}
