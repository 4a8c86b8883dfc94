/**
 * The interactive API page at `GET /api/docs`: Swagger UI from the `swagger-ui-dist` npm
 * package, served from this process (no CDN), reading `/api/openapi.json`. The page loads
 * no inline script, so its Content-Security-Policy can forbid them.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The files `GET /api/docs/{file}` serves, and their media types. */
export const DOCS_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'docs-init.js': 'text/javascript; charset=utf-8',
};

/** The docs page's Content-Security-Policy: everything from here, Swagger UI's inline styles allowed. */
export const DOCS_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

/** The page itself; asset paths are relative to `/api/docs/`. */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>HL7 Results Gateway API</title>
    <link rel="stylesheet" href="docs/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="docs/swagger-ui-bundle.js"></script>
    <script src="docs/docs-init.js"></script>
  </body>
</html>
`;

// Relative to the page (/api/docs), so it works under any host and route prefix.
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui' });\n`;

let directory: string | undefined;

/** The bytes of one docs asset, or undefined when `file` is not one. */
export async function readDocsAsset(file: string): Promise<Buffer | undefined> {
  if (!Object.hasOwn(DOCS_ASSETS, file)) return undefined;
  if (file === 'docs-init.js') return Buffer.from(INIT_SCRIPT, 'utf8');
  directory ??= dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return readFile(join(directory, file));
}
