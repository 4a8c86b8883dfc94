/**
 * The route table of a host's HTTP triggers: each function's route template, methods
 * and auth level as `app.http` declared them, most specific route first.
 */
import type { RegisteredFunction } from '../core/function-app.js';
import { HostError } from '../host-error.js';
import {
  compareRoutePrecedence,
  matchRoute,
  parseRouteTemplate,
  type RouteParams,
  type RouteTemplate,
} from './route-template.js';

/** Azure's HTTP auth levels. */
export type AuthLevel = 'anonymous' | 'function' | 'admin';

/** One HTTP-triggered function as the server routes to it. */
export interface HttpRoute {
  fn: RegisteredFunction;
  route: RouteTemplate;
  /** Upper-case method names. */
  methods: Set<string>;
  authLevel: AuthLevel;
}

/** What a request path resolves to. */
export type RouteLookup =
  | { outcome: 'found'; route: HttpRoute; params: RouteParams }
  | { outcome: 'method-not-allowed'; allowed: string[] }
  | { outcome: 'not-found' };

function toAuthLevel(fn: RegisteredFunction): AuthLevel {
  const level = String(fn.trigger.authLevel ?? 'anonymous').toLowerCase();
  if (level === 'anonymous' || level === 'function' || level === 'admin') return level;
  throw new HostError('INVALID_ROUTE', `function '${fn.name}' has unknown authLevel '${level}'`);
}

function toMethods(fn: RegisteredFunction): Set<string> {
  const methods = Array.isArray(fn.trigger.methods) ? fn.trigger.methods : ['GET', 'POST'];
  return new Set(methods.map((method) => String(method).toUpperCase()));
}

/**
 * Builds the route table from the HTTP functions; a function without `route` is served
 * at its name, as in Azure.
 * @throws {HostError} INVALID_ROUTE for a bad template or auth level, or when two
 *   functions claim the same template and method.
 */
export function buildHttpRoutes(functions: RegisteredFunction[]): HttpRoute[] {
  const routes = functions.map((fn) => ({
    fn,
    route: parseRouteTemplate(typeof fn.trigger.route === 'string' ? fn.trigger.route : fn.name),
    methods: toMethods(fn),
    authLevel: toAuthLevel(fn),
  }));

  const claimed = new Map<string, string>();
  for (const { fn, route, methods } of routes) {
    for (const method of methods) {
      const key = `${method} ${route.template.replace(/^\/+|\/+$/g, '').toLowerCase()}`;
      const owner = claimed.get(key);
      if (owner) {
        throw new HostError(
          'INVALID_ROUTE',
          `functions '${owner}' and '${fn.name}' both serve ${key}`,
        );
      }
      claimed.set(key, fn.name);
    }
  }

  return routes.sort((a, b) => compareRoutePrecedence(a.route, b.route));
}

/** Finds the route for a method and path segments (below the route prefix). */
export function lookupRoute(routes: HttpRoute[], method: string, segments: string[]): RouteLookup {
  const allowed = new Set<string>();

  for (const route of routes) {
    const params = matchRoute(route.route, segments);
    if (!params) continue;
    if (route.methods.has(method)) return { outcome: 'found', route, params };
    for (const m of route.methods) allowed.add(m);
  }

  if (allowed.size > 0) return { outcome: 'method-not-allowed', allowed: [...allowed].sort() };
  return { outcome: 'not-found' };
}
