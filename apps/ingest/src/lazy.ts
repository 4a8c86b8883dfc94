/**
 * Deps created once per process, on the first invocation rather than at import: the host
 * imports `functions.js` to read its registrations, which must not need a bus or storage,
 * and a configuration error then surfaces as an answer and a log line, not a crashed load.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { GatewayError, isPlatformError, type RouteCall, type RouteSecurity } from '@hl7gw/platform';

import { createDeps, type Deps } from './deps.js';
import type { RequestHandler } from './http/edge.js';
import { problemResponse } from './http/respond.js';
import { INGEST_DEFAULTS } from './settings.js';

let shared: Deps | undefined;

/** A handler that builds its real one from the process's deps on first use. */
export function lazily(factory: (deps: Deps) => RequestHandler): RequestHandler {
  let handler: RequestHandler | undefined;
  return async (
    request: HttpRequest,
    context: InvocationContext,
    call?: RouteCall,
  ): Promise<HttpResponseInit> => {
    if (handler === undefined) {
      try {
        shared ??= createDeps();
      } catch (error) {
        // No logger exists without configuration; the host's log is all there is.
        const setting = isPlatformError(error) ? error.message : 'unknown error';
        context.error(`ingest is misconfigured: ${setting}`);
        const failure = new GatewayError('INTERNAL_ERROR', 'The gateway is misconfigured');
        return problemResponse(failure, { retryAfterSeconds: INGEST_DEFAULTS.retryAfterSeconds });
      }
      handler = factory(shared);
    }
    return handler(request, context, call);
  };
}

/**
 * The route pipeline's collaborators of the process's deps, built on first use.
 * @throws ConfigError when the app is misconfigured (the pipeline answers 500).
 */
export function sharedSecurity(): RouteSecurity {
  shared ??= createDeps();
  return shared.security;
}

/** Closes the process's deps, if any were created; for the host's app-terminate hook. */
export async function closeShared(): Promise<void> {
  const deps = shared;
  shared = undefined;
  await deps?.close();
}
