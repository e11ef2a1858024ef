import type { Request, RequestHandler } from 'express';
import type { Logger } from '@voxq/logging';
import { recordHttpRequest, secondsSince } from '@voxq/metrics';

/**
 * The route pattern a request matched (`/v1/jobs/:id`), never its path: ids in labels would
 * make a series per job. `unmatched`: no route answered it (a 404, or refused before
 * routing, such as a 401 or 429 from the `/v1` middleware).
 */
function routeOf(req: Request): string {
  const path: unknown = req.route?.path;
  if (path === undefined) return 'unmatched';
  // Escaped characters in patterns (`/v1/jobs\:batch`) are shown as they are matched.
  return `${req.baseUrl}${String(path)}`.replace(/\\/g, '');
}

/** Times every request to its end; a client that goes away first counts as 499. */
export const requestMetrics: RequestHandler = (req, res, next) => {
  const start = performance.now();
  res.once('close', () => {
    const status = res.writableFinished || res.headersSent ? res.statusCode : 499;
    recordHttpRequest(req.method, routeOf(req), status, secondsSince(start));
  });
  next();
};

/** Probes and scrapes answer every few seconds: a line each would drown the requests that matter. */
const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One info line per request as it ends: method, route pattern, status, duration and its
 * request id (the `X-Request-Id` the client got), never the path's ids or any header.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (QUIET.has(req.path)) return next();
    const start = performance.now();
    res.once('close', () => {
      const status = res.writableFinished || res.headersSent ? res.statusCode : 499;
      const tenantId = req.principal?.tenantId;
      logger.info(
        { reqId: req.id, method: req.method, route: routeOf(req), status, ms: Math.round(performance.now() - start), ...(tenantId ? { tenantId } : {}) },
        'request',
      );
    });
    next();
  };
}
