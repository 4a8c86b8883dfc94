/**
 * The OpenAPI 3.1 document of an app, generated from its route declarations: the same
 * schemas the pipeline enforces, the roles each route needs (as security requirements and
 * `x-roles`), its rate-limit class, its audit action, and the refusals the pipeline adds.
 */
import { GATEWAY_ERRORS } from '../gateway-error.js';
import type { RouteClass } from './rate-limit.js';
import {
  openApiPath,
  pathParameterNames,
  type JsonSchema,
  type RouteDeclaration,
  type RouteResponse,
} from './route.js';

/** What the document says about the app as a whole. */
export interface ApiInfo {
  /** The API's title; the same in every app, so merged documents keep it. */
  title: string;
  /** The API version (`1.0.0`); routes carry their major version in the path (`/v1`). */
  version: string;
  /** What the app's part of the API does. */
  description: string;
  /** A description for each tag the routes use. */
  tags: Record<string, string>;
}

/**
 * The license the document states. The repository is private and ships under no public
 * license, so it says so rather than leave the field out.
 */
export const API_LICENSE = {
  name: 'Proprietary: all rights reserved',
  identifier: 'LicenseRef-Proprietary',
} as const;

/** An OpenAPI 3.1 document, as plain JSON. */
export type OpenApiDocument = Record<string, unknown> & {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
};

/** The media type of problem details. */
const PROBLEM = 'application/problem+json';

/** The problem details schema, every code of the closed list named. */
export const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details; built from codes and locations, never message content.',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', description: 'urn:hl7gw:problem:<code>' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: Object.keys(GATEWAY_ERRORS) },
    location: { type: 'string', description: 'Where in the message, in HL7 notation (PID-3).' },
    traceId: { type: 'string', description: 'The W3C trace id of the request.' },
  },
};

const RATE_HEADERS = {
  'RateLimit-Policy': 'The route class limit: q the burst, w the seconds to refill.',
  RateLimit: 'What is left: r the requests, t the seconds until the bucket is full.',
};

const REFUSALS: Record<number, RouteResponse> = {
  401: {
    description: 'No credentials, or credentials that are not valid (`UNAUTHENTICATED`).',
    headers: { 'WWW-Authenticate': 'The accepted schemes.' },
  },
  403: { description: 'The caller lacks the role (`FORBIDDEN`).' },
  413: { description: 'The body is larger than allowed (`PAYLOAD_TOO_LARGE`).' },
  429: {
    description: 'The rate limit of the route class is reached (`RATE_LIMITED`).',
    headers: { 'Retry-After': 'Seconds until a request may succeed.', ...RATE_HEADERS },
  },
  503: {
    description: 'A dependency is down or the request ran out of time; retry later.',
    headers: { 'Retry-After': 'Seconds to wait.' },
  },
};

/** Builds the document of `routes`. */
export function buildOpenApiDocument(
  info: ApiInfo,
  routes: readonly RouteDeclaration[],
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const path = openApiPath(route.route);
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(route);
  }

  const used = new Set(routes.flatMap((route) => route.tags));
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description: info.description,
      license: API_LICENSE,
    },
    servers: [{ url: '/api', description: 'This gateway' }],
    tags: [...used].sort().map((name) => ({ name, description: info.tags[name] ?? name })),
    paths,
    components: {
      schemas: { Problem: PROBLEM_SCHEMA },
      securitySchemes: {
        entraId: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'An Entra ID access token for the gateway app registration; its `roles` claim grants routes.',
        },
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description:
            'An API key bound to a client, its roles and its sending facilities (MSH-4).',
        },
      },
    },
  };
}

function operation(route: RouteDeclaration): Record<string, unknown> {
  const anonymous = route.roles === 'anonymous';
  const roles = anonymous ? [] : [...(route.roles as readonly string[])];
  const notes = [
    route.description ?? route.summary,
    anonymous ? 'Anonymous.' : `Roles (any one): ${roles.join(', ')}.`,
    ...(route.deprecated === undefined
      ? []
      : [`Deprecated since ${route.deprecated.since}; answers until ${route.deprecated.sunset}.`]),
  ];

  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = toResponse(response, Number(status));
  }
  // The pipeline refuses a declared Content-Length over the limit on every route, anonymous
  // ones included, so 413 is a real answer of each.
  const added: number[] = anonymous ? [413] : [401, 403, 413, 429, 503];
  if (route.requestBody?.content['application/json']?.schema !== undefined) {
    responses['400'] ??= toResponse(
      { description: 'The body breaks its schema or is not JSON (`BAD_REQUEST`).' },
      400,
    );
  }
  for (const status of added)
    responses[String(status)] ??= toResponse(REFUSALS[status] as RouteResponse, status);

  return {
    operationId: route.name,
    summary: route.summary,
    description: notes.join('\n\n'),
    tags: [...route.tags],
    ...(route.deprecated === undefined ? {} : { deprecated: true }),
    security: anonymous ? [] : [{ entraId: roles }, { apiKey: roles }],
    'x-roles': roles,
    ...(anonymous
      ? {}
      : { 'x-rate-limit-class': route.routeClass ?? ('read' satisfies RouteClass) }),
    ...(auditActions(route).length === 0 ? {} : { 'x-audit-actions': auditActions(route) }),
    parameters: parameters(route),
    ...(route.requestBody === undefined
      ? {}
      : {
          requestBody: {
            required: route.requestBody.required === true,
            content: contentOf(route.requestBody.content),
          },
        }),
    responses,
  };
}

/** The audit actions a call of the route may write. */
function auditActions(route: RouteDeclaration): string[] {
  return [
    ...(typeof route.audit === 'string' ? [route.audit] : []),
    ...(route.auditedByHandler ?? []),
  ];
}

function parameters(route: RouteDeclaration): unknown[] {
  const declared = route.parameters ?? [];
  const inPath = pathParameterNames(route.route)
    .filter((name) => !declared.some((p) => p.in === 'path' && p.name === name))
    .map((name) => ({
      name,
      in: 'path',
      required: true,
      description: `The ${name}.`,
      schema: { type: 'string' },
    }));
  return [
    ...inPath,
    ...declared.map((p) => ({ ...p, required: p.in === 'path' ? true : p.required === true })),
  ];
}

/** A documented answer; a refusal without declared content is problem details. */
function toResponse(response: RouteResponse, status: number): Record<string, unknown> {
  const problem = { [PROBLEM]: { schema: { $ref: '#/components/schemas/Problem' } } };
  const content = response.content ?? (status >= 400 ? problem : {});
  return {
    description: response.description,
    ...(response.headers === undefined
      ? {}
      : {
          headers: Object.fromEntries(
            Object.entries(response.headers).map(([name, description]) => [
              name,
              { description, schema: { type: 'string' } },
            ]),
          ),
        }),
    ...(Object.keys(content).length === 0 ? {} : { content: contentOf(content) }),
  };
}

function contentOf(content: Record<string, { schema?: JsonSchema }>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(content).map(([type, media]) => [
      type,
      media.schema === undefined ? {} : { schema: media.schema },
    ]),
  );
}
