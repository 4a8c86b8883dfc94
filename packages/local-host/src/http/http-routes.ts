/**
 * The route table of a host's HTTP triggers: each function's route template, methods
 * and auth level as `app.http` declared them, most specific route first.
 */
import type { RegisteredFunction } from '../core/function-app.js';
import { HostError } from '../host-error.js';
import { DEFAULT_MERGED_ROUTES, type MergeRule } from './merged-routes.js';
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
  /**
   * When several apps serve this route alike (`openapi.json`, `health`): the other
   * functions, called with `fn`, and how their answers are combined.
   */
  merged?: { functions: RegisteredFunction[]; rule: MergeRule };
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
 * at its name, as in Azure. Functions claiming the same template and methods are merged
 * into one route when `mergedRoutes` has a rule for the template.
 * @throws {HostError} INVALID_ROUTE for a bad template or auth level, or when two
 *   functions claim the same template and method without a merge rule.
 */
export function buildHttpRoutes(
  functions: RegisteredFunction[],
  mergedRoutes: Readonly<Record<string, MergeRule>> = DEFAULT_MERGED_ROUTES,
): HttpRoute[] {
  const routes: HttpRoute[] = [];
  const claimed = new Map<string, HttpRoute>();

  for (const fn of functions) {
    const route: HttpRoute = {
      fn,
      route: parseRouteTemplate(typeof fn.trigger.route === 'string' ? fn.trigger.route : fn.name),
      methods: toMethods(fn),
      authLevel: toAuthLevel(fn),
    };
    const template = route.route.template.replace(/^\/+|\/+$/g, '').toLowerCase();
    const owners = [...route.methods].map((method) => claimed.get(`${method} ${template}`));
    const owner = owners.find((found) => found !== undefined);

    if (owner === undefined) {
      for (const method of route.methods) claimed.set(`${method} ${template}`, route);
      routes.push(route);
      continue;
    }
    const rule = Object.hasOwn(mergedRoutes, template) ? mergedRoutes[template] : undefined;
    const sameShape =
      owners.every((found) => found === owner) &&
      owner.methods.size === route.methods.size &&
      owner.authLevel === route.authLevel;
    if (rule === undefined || !sameShape) {
      const method = [...route.methods].find((m) => claimed.has(`${m} ${template}`));
      throw new HostError(
        'INVALID_ROUTE',
        `functions '${owner.fn.name}' and '${fn.name}' both serve ${method} ${template}`,
      );
    }
    owner.merged ??= { functions: [], rule };
    owner.merged.functions.push(fn);
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
