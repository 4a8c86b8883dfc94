/**
 * The headers the pipeline adds to answers: security headers on every one, CORS for
 * allowed origins only, and `Deprecation` / `Sunset` on deprecated routes.
 */
import type { HttpRequest } from '@azure/functions';

import type { Deprecation } from './route.js';

/** Response headers a browser may read across origins (besides the CORS-safelisted ones). */
export const EXPOSED_HEADERS = [
  'location',
  'retry-after',
  'ratelimit',
  'ratelimit-policy',
  'deprecation',
  'sunset',
  'link',
];

/** The headers requests may carry across origins. */
export const ALLOWED_REQUEST_HEADERS = [
  'authorization',
  'x-api-key',
  'content-type',
  'traceparent',
];

/**
 * The security headers of every answer. `Cache-Control: no-store` unless `cacheable`: an
 * answer may carry patient data, and no proxy or browser cache should keep it.
 */
export function securityHeaders(options: {
  hstsMaxAgeSeconds: number;
  cacheable: boolean;
}): Record<string, string> {
  return {
    'strict-transport-security': `max-age=${options.hstsMaxAgeSeconds}; includeSubDomains`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    ...(options.cacheable ? {} : { 'cache-control': 'no-store', pragma: 'no-cache' }),
  };
}

/** The CORS headers of an answer to `request`: none unless its `Origin` is allowed. */
export function corsHeaders(
  request: HttpRequest,
  allowed: readonly string[],
): Record<string, string> {
  const origin = request.headers.get('origin');
  if (origin === null || !allowed.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': EXPOSED_HEADERS.join(', '),
    vary: 'Origin',
  };
}

/** The answer to a CORS preflight: `204`, with permissions only for an allowed origin. */
export function preflightHeaders(
  request: HttpRequest,
  allowed: readonly string[],
): Record<string, string> {
  const cors = corsHeaders(request, allowed);
  if (cors['access-control-allow-origin'] === undefined) return { vary: 'Origin' };
  return {
    ...cors,
    'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
    'access-control-allow-headers': ALLOWED_REQUEST_HEADERS.join(', '),
    'access-control-max-age': '600',
  };
}

/**
 * `Deprecation` (RFC 9745: `@` and the epoch seconds of when the route was deprecated),
 * `Sunset` (RFC 8594: the HTTP date it stops answering) and a `Link` to the migration note.
 */
export function deprecationHeaders(deprecation: Deprecation | undefined): Record<string, string> {
  if (deprecation === undefined) return {};
  const since = Math.floor(new Date(deprecation.since).getTime() / 1000);
  return {
    deprecation: `@${since}`,
    sunset: new Date(deprecation.sunset).toUTCString(),
    ...(deprecation.link === undefined ? {} : { link: `<${deprecation.link}>; rel="deprecation"` }),
  };
}
