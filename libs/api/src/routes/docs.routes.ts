import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Router, type RequestHandler } from 'express';
import { buildOpenApiDocument, type OpenApiDocument } from '@voxq/api-docs';

/**
 * `GET /openapi.json` (the OpenAPI 3.1 document, generated from the zod schemas) and
 * `GET /docs` (Swagger UI rendering it). Both unauthenticated, like the health probes.
 *
 * The page loads nothing from the internet: Swagger UI's bundle comes from the
 * `swagger-ui-dist` package in node_modules, served under `/docs/assets/`, and its CSP
 * allows this origin only (the online spec validator badge is off).
 */

/** What the page may load: its own scripts and styles (Swagger UI sets inline styles), and this API. */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>voxq API reference</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>
`;

// A file of its own rather than an inline script, so the CSP needs no 'unsafe-inline' for scripts.
const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // The default posts the document to an online validator: off, the page stays local.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

/** The Swagger UI files the page uses, by the name it asks for. */
const ASSET_TYPES: Record<string, string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
};

function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/** Serves the page's assets; a middleware, not routes, so they stay out of the API's document. */
function assets(): RequestHandler {
  const dir = swaggerUiDir();
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const name = req.path.replace(/^\//, '');
    if (name === 'init.js') {
      res.type('text/javascript; charset=utf-8').setHeader('Cache-Control', 'no-cache');
      return void res.send(INIT);
    }
    const type = ASSET_TYPES[name];
    if (!type) return next();
    // The files change only with the package's version.
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.sendFile(name, { root: dir, headers: { 'Content-Type': type }, cacheControl: false }, (error) => error && next(error));
  };
}

export function docsRoutes(): Router {
  const router = Router();
  let document: OpenApiDocument | null = null;

  router.get('/openapi.json', (_req, res) => {
    document ??= buildOpenApiDocument();
    res.json(document);
  });

  router.get('/docs', (_req, res) => {
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    res.type('html').send(PAGE);
  });

  router.use('/docs/assets', assets());
  return router;
}
