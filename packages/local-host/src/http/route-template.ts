/**
 * Azure Functions HTTP route templates (ASP.NET Core syntax, whole-segment parameters):
 * literals, `{id}`, `{id?}`, `{id=default}`, `{id:int}` with constraints, and `{*rest}`.
 */
import { HostError } from '../host-error.js';
import { type RouteConstraint, routeConstraint } from './route-constraints.js';

interface LiteralSegment {
  kind: 'literal';
  text: string;
}

interface ParameterSegment {
  kind: 'parameter';
  name: string;
  constraints: RouteConstraint[];
  optional: boolean;
  defaultValue: string | undefined;
  catchAll: boolean;
}

type RouteSegment = LiteralSegment | ParameterSegment;

/** A parsed route template, ready to match request paths. */
export interface RouteTemplate {
  template: string;
  segments: RouteSegment[];
}

/** Route parameters of a match, by name. */
export type RouteParams = Record<string, string>;

function invalid(template: string, why: string): HostError {
  return new HostError('INVALID_ROUTE', `route template '${template}': ${why}`);
}

function closingParen(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

function parseParameter(body: string, template: string): ParameterSegment {
  let rest = body;
  const stars = /^\*{1,2}/.exec(rest)?.[0] ?? '';
  rest = rest.slice(stars.length);

  const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)?.[0];
  if (!name) throw invalid(template, `parameter '{${body}}' has no name`);
  rest = rest.slice(name.length);

  const constraints: RouteConstraint[] = [];
  while (rest.startsWith(':')) {
    rest = rest.slice(1);
    const constraintName = /^[A-Za-z]+/.exec(rest)?.[0];
    if (!constraintName) throw invalid(template, `parameter '${name}' has an empty constraint`);
    rest = rest.slice(constraintName.length);

    let argument: string | undefined;
    if (rest.startsWith('(')) {
      const end = closingParen(rest);
      if (end < 0) throw invalid(template, `constraint '${constraintName}' is not closed`);
      argument = rest.slice(1, end).replaceAll('{{', '{').replaceAll('}}', '}');
      rest = rest.slice(end + 1);
    }
    constraints.push(routeConstraint(constraintName, argument));
  }

  let optional = stars !== '';
  let defaultValue: string | undefined;
  if (rest === '?') {
    optional = true;
  } else if (rest.startsWith('=')) {
    defaultValue = rest.slice(1);
  } else if (rest !== '') {
    throw invalid(template, `parameter '${name}' ends with '${rest}'`);
  }

  return { kind: 'parameter', name, constraints, optional, defaultValue, catchAll: stars !== '' };
}

/**
 * Parses a route template such as `v1/messages/{id}`; leading and trailing slashes are ignored.
 * @throws {HostError} INVALID_ROUTE for complex segments (`{a}.{b}`), unknown constraints,
 *   a catch-all that is not last, or a required parameter after an optional one.
 */
export function parseRouteTemplate(template: string): RouteTemplate {
  const trimmed = template.replace(/^~?\/+/, '').replace(/\/+$/, '');
  const parts = trimmed === '' ? [] : trimmed.split('/');

  const segments = parts.map((part): RouteSegment => {
    if (part.startsWith('{') && part.endsWith('}') && !part.startsWith('{{')) {
      const body = part.slice(1, -1);
      if (/[{}]/.test(body.replace(/\(.*\)/g, ''))) {
        throw invalid(template, `segment '${part}' mixes text and parameters`);
      }
      return parseParameter(body, template);
    }
    if (part === '' || /[{}]/.test(part.replaceAll('{{', '').replaceAll('}}', ''))) {
      throw invalid(template, `segment '${part}' is empty or mixes text and parameters`);
    }
    return { kind: 'literal', text: part.replaceAll('{{', '{').replaceAll('}}', '}') };
  });

  segments.forEach((segment, index) => {
    if (segment.kind !== 'parameter') return;
    if (segment.catchAll && index !== segments.length - 1) {
      throw invalid(template, `catch-all '${segment.name}' must be the last segment`);
    }
  });
  const firstOptional = segments.findIndex((s) => s.kind === 'parameter' && s.optional);
  if (firstOptional >= 0 && segments.slice(firstOptional).some((s) => s.kind === 'literal')) {
    throw invalid(template, 'only parameters may follow an optional parameter');
  }

  return { template, segments };
}

function matchParameter(segment: ParameterSegment, value: string): boolean {
  return segment.constraints.every((check) => check(value));
}

/**
 * Matches a request path (below the route prefix, already split on `/` and each segment
 * percent-decoded) against `route`. Literals compare case-insensitively, as in Azure.
 * @returns the route parameters, or undefined when the path does not match.
 */
export function matchRoute(route: RouteTemplate, pathSegments: string[]): RouteParams | undefined {
  const params: RouteParams = {};

  for (const [index, segment] of route.segments.entries()) {
    const value = pathSegments[index];

    if (segment.kind === 'literal') {
      if (value === undefined || value.toLowerCase() !== segment.text.toLowerCase())
        return undefined;
      continue;
    }

    if (segment.catchAll) {
      const restValue = pathSegments.slice(index).join('/');
      if (restValue !== '' && !matchParameter(segment, restValue)) return undefined;
      if (restValue !== '') params[segment.name] = restValue;
      return params;
    }

    if (value === undefined || value === '') {
      if (segment.defaultValue !== undefined) params[segment.name] = segment.defaultValue;
      else if (!segment.optional) return undefined;
      continue;
    }

    if (!matchParameter(segment, value)) return undefined;
    params[segment.name] = value;
  }

  return pathSegments.length <= route.segments.length ? params : undefined;
}

function segmentRank(segment: RouteSegment | undefined): number {
  if (!segment) return 0;
  if (segment.kind === 'literal') return 1;
  if (segment.catchAll) return 5;
  if (segment.optional || segment.defaultValue !== undefined) return 4;
  return segment.constraints.length > 0 ? 2 : 3;
}

/**
 * Orders routes most specific first: per segment, literal before constrained parameter
 * before parameter before optional before catch-all; then the shorter template first.
 */
export function compareRoutePrecedence(a: RouteTemplate, b: RouteTemplate): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const difference = segmentRank(a.segments[i]) - segmentRank(b.segments[i]);
    if (difference !== 0) return difference;
  }
  return 0;
}
