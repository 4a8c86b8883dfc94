/**
 * A route declaration: everything about one HTTP route that the pipeline enforces and the
 * OpenAPI document shows, in one place beside the route, so the two cannot drift: method
 * and path, the roles that may call it, its rate-limit class, its request and response
 * schemas, its audit action and whether it is deprecated.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

import type { AuditEvent } from '../audit-writer.js';
import type { Principal } from '../auth/principal.js';
import type { Role } from '../auth/roles.js';
import type { RouteClass } from './rate-limit.js';

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it). */
export type JsonSchema = Record<string, unknown>;

/** The methods a route may answer. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A path, query or header parameter, for the document. */
export interface RouteParameter {
  /** Its name. */
  name: string;
  /** Where it is sent. */
  in: 'path' | 'query' | 'header';
  /** What it means. */
  description: string;
  /** Whether it must be sent (path parameters always must). */
  required?: boolean;
  /** Its values. */
  schema: JsonSchema;
}

/** One media type of a request or response body. */
export interface MediaContent {
  /** The body's schema; absent for opaque bodies such as HL7 text. */
  schema?: JsonSchema;
}

/** One documented answer. */
export interface RouteResponse {
  /** What it means. */
  description: string;
  /** Its body by media type. */
  content?: Record<string, MediaContent>;
  /** Headers it carries, by name, each with a description. */
  headers?: Record<string, string>;
}

/** A route that is being retired. */
export interface Deprecation {
  /** When it was deprecated, as an ISO 8601 date; sent as `Deprecation` (RFC 9745). */
  since: string;
  /** When it stops answering, as an ISO 8601 date (`2027-06-30`); sent as `Sunset` (RFC 8594). */
  sunset: string;
  /** Where the replacement or the migration note is; sent as `Link; rel="deprecation"`. */
  link?: string;
}

/** Everything about one route. */
export interface RouteDeclaration {
  /** The function name, unique across all apps (`ingestSubmitMessage`); the operation id. */
  name: string;
  /** The method. */
  method: HttpMethod;
  /** The route below `/api`, as `app.http` takes it: `v1/messages/{id}`. */
  route: string;
  /** The roles any one of which grants the route, or `anonymous`. */
  roles: readonly Role[] | 'anonymous';
  /** The rate-limit class; required unless anonymous. */
  routeClass?: RouteClass;
  /** One line for the document. */
  summary: string;
  /** More, for the document. */
  description?: string;
  /** Groups in the document. */
  tags: readonly string[];
  /** Query and header parameters; path parameters are found in `route` when not listed. */
  parameters?: readonly RouteParameter[];
  /**
   * The request body by media type. A JSON schema under `application/json` is enforced:
   * a JSON request that breaks it is answered `400` `BAD_REQUEST` before the handler runs.
   */
  requestBody?: { required?: boolean; content: Record<string, MediaContent> };
  /** The answers by status; the pipeline's own refusals (401, 403, 429...) are added. */
  responses: Record<number, RouteResponse>;
  /** Marks the route deprecated: `Deprecation` and `Sunset` headers on every answer. */
  deprecated?: Deprecation;
  /**
   * The audit action written for every call (`message.status.read`), or a function of the
   * request choosing it (undefined: no entry for this call).
   */
  audit?: string | ((request: HttpRequest) => string | undefined);
  /**
   * Audit actions the handler writes itself (it knows the resource or the outcome better):
   * documented with the route, never written by the pipeline.
   */
  auditedByHandler?: readonly string[];
  /** Answers may be cached (documents, static files); otherwise `Cache-Control: no-store`. */
  cacheable?: boolean;
}

/** What the pipeline hands a handler beside the request. */
export interface RouteCall {
  /** The caller; undefined only on anonymous routes. */
  principal: Principal | undefined;
  /** The W3C trace id of the request. */
  traceId: string;
  /** The W3C `traceparent` of the request, to carry onto the bus. */
  traceparent: string;
  /** The JSON body, parsed and checked against the declared schema, when there is one. */
  body?: unknown;
  /** Writes one more audit entry for this request (actor, ip and trace are filled in). */
  audit(event: Pick<AuditEvent, 'action' | 'resource' | 'outcome' | 'code'>): Promise<void>;
}

/** A route handler: the `@azure/functions` handler shape, with the call as a third argument. */
export type RouteHandler = (
  request: HttpRequest,
  context: InvocationContext,
  call: RouteCall,
) => Promise<HttpResponseInit>;

/** The path parameters a route template names: `v1/messages/{id}` → `['id']`. */
export function pathParameterNames(route: string): string[] {
  return [...route.matchAll(/\{\*{0,2}([A-Za-z_][A-Za-z0-9_]*)[^}]*\}/g)].map(
    (match) => match[1] as string,
  );
}

/** The OpenAPI path of a route template: constraints and defaults dropped, `/` in front. */
export function openApiPath(route: string): string {
  return `/${route.replace(/^\/+/, '').replace(/\{\*{0,2}([A-Za-z_][A-Za-z0-9_]*)[^}]*\}/g, '{$1}')}`;
}
