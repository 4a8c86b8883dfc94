/**
 * The single error type the local host throws: loading an app, starting, serving and
 * starting the local platform. Messages name functions, settings and entities, never
 * message or request contents, so they are safe to log.
 */

/** The closed list of reasons the host refuses or fails. A code never changes meaning. */
export type HostErrorCode =
  /** `registerFunction` or `registerHook` was called outside `host.load()`. */
  | 'REGISTRATION_OUTSIDE_LOAD'
  /** Two functions with the same name were registered in one host. */
  | 'DUPLICATE_FUNCTION'
  /** A function uses a trigger type this host does not run (only HTTP and Service Bus). */
  | 'UNSUPPORTED_TRIGGER'
  /** A function or app uses a binding or option this host does not run (extra bindings, batches, HTTP streaming). */
  | 'UNSUPPORTED_BINDING'
  /** An HTTP route template cannot be read, or two functions claim the same route and method. */
  | 'INVALID_ROUTE'
  /** A Service Bus trigger names a connection setting that resolves to nothing. */
  | 'CONNECTION_MISSING'
  /** A function was invoked before `@azure/functions` set its programming model. */
  | 'PROGRAMMING_MODEL_MISSING'
  /** Importing an app module failed; `cause` holds the original error. */
  | 'LOAD_FAILED'
  /** `load` or `start` was called in the wrong state (after start, after stop, twice). */
  | 'INVALID_STATE'
  /** The HTTP server could not listen (port in use, no permission); `cause` holds the error. */
  | 'LISTEN_FAILED'
  /** Azurite or the broker did not start; `cause` holds the original error when there is one. */
  | 'PLATFORM_START_FAILED';

/** Thrown by the host and the local platform, and by nothing else in this package. */
export class HostError extends Error {
  /** Which rule was broken or which step failed. */
  readonly code: HostErrorCode;

  constructor(code: HostErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HostError';
    this.code = code;
  }
}

/** True when `error` is a `HostError`, checked by name and code so it holds across bundles. */
export function isHostError(error: unknown): error is HostError {
  return (
    error instanceof HostError ||
    (error instanceof Error && error.name === 'HostError' && 'code' in error)
  );
}
