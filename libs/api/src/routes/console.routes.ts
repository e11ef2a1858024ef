import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Router, type RequestHandler } from 'express';

/**
 * `GET /console`: the tenant console (apps/console), a static single-page app that calls the
 * public `/v1` API with the tenant's key, like any other client. Public, as `/docs` is: the
 * page holds nothing until a key is given, and every call it makes is authenticated.
 *
 * Its CSP allows this origin only and no inline code: scripts and styles are files, the API is
 * called with fetch, and audio plays from `blob:` URLs the page makes from `GET
 * /v1/jobs/:id/result` (fetched with the key), never from presigned S3 URLs on another origin.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Where the built console is: beside the api's bundle (`dist/apps/api/main.js` →
 * `dist/apps/console`, in the repo and in the image alike), else `dist/apps/console` under
 * the working directory (the API run from its sources: tests, `vitest`).
 */
export function defaultConsoleDir(): string {
  const besideBundle = resolve(import.meta.dirname, '../console');
  return existsSync(join(besideBundle, 'index.html')) ? besideBundle : resolve('dist/apps/console');
}

const NOT_BUILT = `The voxq console is not built on this server.
Build it with \`npm run build\` (or \`node tools/build-app.mjs console\`) and reload.
`;

export function consoleRoutes(dir: string = defaultConsoleDir()): Router {
  const router = Router();
  const csp: RequestHandler = (_req, res, next) => {
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    // The page records audio from the microphone; nothing else of the device.
    res.setHeader('Permissions-Policy', 'microphone=(self), camera=(), geolocation=()');
    next();
  };
  // Looked up per request: a console built after the server started is served without a restart.
  const page: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path !== '/') return next();
    const index = join(dir, 'index.html');
    if (!existsSync(index)) return void res.status(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index, { cacheControl: false }, (error) => error && next(error));
  };
  // Middleware rather than routes: a page and its files are not API operations, so they stay
  // out of the OpenAPI document (as /docs/assets do). The bundle's file names do not change
  // with its contents: revalidated on each load (ETag), never stale.
  router.use(
    '/console/assets',
    csp,
    express.static(join(dir, 'assets'), {
      index: false,
      redirect: false,
      cacheControl: false,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );
  router.use('/console', (req, res, next) => (req.path === '/' ? csp(req, res, () => page(req, res, next)) : next()));
  return router;
}
