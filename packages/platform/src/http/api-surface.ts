/**
 * An app's HTTP surface: its declared routes registered with `app.http` behind the route
 * pipeline, and the routes every app serves anonymously: `GET /api/openapi.json` (the
 * document generated from the declarations), `GET /api/docs` (Swagger UI) and its assets,
 * and, when CORS origins are configured, the preflight answer.
 */
import {
  app,
  type HttpFunctionOptions,
  type HttpRequest,
  type HttpResponseInit,
} from '@azure/functions';

import type { Environment } from '../config.js';
import { GatewayError } from '../gateway-error.js';
import { DOCS_ASSETS, DOCS_CSP, DOCS_HTML, readDocsAsset } from './docs-page.js';
import { preflightHeaders, securityHeaders } from './headers.js';
import { buildOpenApiDocument, type ApiInfo, type OpenApiDocument } from './openapi.js';
import { securedHandler } from './pipeline.js';
import type { RouteDeclaration, RouteHandler } from './route.js';
import type { RouteSecurity } from './route-security.js';

/** The route of the OpenAPI document, below `/api`. */
export const OPENAPI_ROUTE = 'openapi.json';
/** The route of the docs page, below `/api`. */
export const DOCS_ROUTE = 'docs';

/** How an `ApiSurface` registers and what it reads. */
export interface ApiSurfaceOptions {
  /** The app's short name (`ingest`), prefixing the names of the routes every app has. */
  app: string;
  /** The document's info. */
  info: ApiInfo;
  /** The pipeline's collaborators, built on first use. */
  security: () => RouteSecurity;
  /** Registers a function; `app.http` of `@azure/functions` by default. */
  register?: (name: string, options: HttpFunctionOptions) => void;
  /** Read at `publish` for `HL7GW_CORS_ORIGINS`; `process.env` by default. */
  env?: Environment;
}

/** Collects an app's routes, registers them, and publishes their document. */
export class ApiSurface {
  readonly #options: ApiSurfaceOptions;
  readonly #register: (name: string, options: HttpFunctionOptions) => void;
  readonly #routes: RouteDeclaration[] = [];
  #document: OpenApiDocument | undefined;

  /** @param options See `ApiSurfaceOptions`. */
  constructor(options: ApiSurfaceOptions) {
    this.#options = options;
    this.#register = options.register ?? ((name, opts) => app.http(name, opts));
  }

  /** The routes declared so far, in order. */
  get routes(): readonly RouteDeclaration[] {
    return this.#routes;
  }

  /**
   * Registers one route behind the pipeline.
   * @throws Error for a non-anonymous route without roles.
   */
  route(declaration: RouteDeclaration, handler: RouteHandler): void {
    if (declaration.roles !== 'anonymous' && declaration.roles.length === 0) {
      throw new Error(`route ${declaration.name} declares no role; say 'anonymous' if it is`);
    }
    this.#routes.push(declaration);
    this.#document = undefined;
    this.#register(declaration.name, {
      route: declaration.route,
      methods: [declaration.method],
      // Authentication is the pipeline's, so it behaves the same in Azure and locally.
      authLevel: 'anonymous',
      handler: securedHandler(declaration, handler, this.#options.security),
    });
  }

  /** The OpenAPI document of every route declared, the published ones included. */
  document(): OpenApiDocument {
    this.#document ??= buildOpenApiDocument(this.#options.info, this.#routes);
    return this.#document;
  }

  /** Registers `openapi.json`, `docs`, `docs/{file}` and, with CORS on, the preflight. */
  publish(): void {
    const name = this.#options.app;
    this.route(
      {
        name: `${name}OpenApi`,
        method: 'GET',
        route: OPENAPI_ROUTE,
        roles: 'anonymous',
        summary: 'This API as an OpenAPI 3.1 document',
        tags: ['Documentation'],
        cacheable: true,
        responses: {
          200: {
            description: 'The document.',
            content: { 'application/json': { schema: { type: 'object' } } },
          },
        },
      },
      async () => ({ status: 200, jsonBody: this.document() }),
    );
    this.route(
      {
        name: `${name}Docs`,
        method: 'GET',
        route: DOCS_ROUTE,
        roles: 'anonymous',
        summary: 'Interactive API documentation (Swagger UI)',
        tags: ['Documentation'],
        cacheable: true,
        responses: { 200: { description: 'The page.', content: { 'text/html': {} } } },
      },
      async () => ({
        status: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': DOCS_CSP,
        },
        body: DOCS_HTML,
      }),
    );
    this.route(
      {
        name: `${name}DocsAsset`,
        method: 'GET',
        route: `${DOCS_ROUTE}/{file}`,
        roles: 'anonymous',
        summary: 'A file of the documentation page',
        tags: ['Documentation'],
        cacheable: true,
        parameters: [
          {
            name: 'file',
            in: 'path',
            description: `One of ${Object.keys(DOCS_ASSETS).join(', ')}.`,
            schema: { type: 'string', enum: Object.keys(DOCS_ASSETS) },
          },
        ],
        responses: {
          200: { description: 'The file.', content: { 'text/css': {}, 'text/javascript': {} } },
          404: { description: 'No such file (`NOT_FOUND`).' },
        },
      },
      async (request) => docsAsset(request.params.file ?? ''),
    );

    const origins = (this.#options.env ?? process.env).HL7GW_CORS_ORIGINS?.trim();
    if (origins !== undefined && origins !== '') this.#registerPreflight();
  }

  #registerPreflight(): void {
    // One catch-all OPTIONS route answers every preflight; it exists only with CORS on,
    // since it makes unknown paths answer 405 rather than 404.
    this.#register(`${this.#options.app}CorsPreflight`, {
      route: '{*path}',
      methods: ['OPTIONS'],
      authLevel: 'anonymous',
      handler: async (request: HttpRequest): Promise<HttpResponseInit> => {
        let origins: readonly string[] = [];
        let hsts = 63_072_000;
        try {
          const { settings } = this.#options.security();
          origins = settings.corsOrigins;
          hsts = settings.hstsMaxAgeSeconds;
        } catch {
          // A misconfigured app allows no origin.
        }
        return {
          status: 204,
          headers: {
            ...securityHeaders({ hstsMaxAgeSeconds: hsts, cacheable: false }),
            ...preflightHeaders(request, origins),
          },
        };
      },
    });
  }
}

async function docsAsset(file: string): Promise<HttpResponseInit> {
  const bytes = await readDocsAsset(file);
  if (bytes === undefined) throw new GatewayError('NOT_FOUND', 'No such documentation file');
  return {
    status: 200,
    headers: {
      'content-type': DOCS_ASSETS[file] as string,
      'cache-control': 'public, max-age=3600',
    },
    body: bytes,
  };
}
