import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Principal } from '@voxq/auth';

declare module 'express-serve-static-core' {
  interface Request {
    /** Echoed as `X-Request-Id` and stamped on log lines. */
    id: string;
    /** Set by `authenticate` on every /v1 route. */
    principal?: Principal;
  }
}

/** Accepts a caller's request id (for tracing across services) or makes one. */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.header('x-request-id');
  req.id = given && /^[\w.:-]{1,128}$/.test(given) ? given : `req_${randomUUID()}`;
  res.setHeader('X-Request-Id', req.id);
  next();
};

/** Headers every response carries (the API serves JSON and audio, never pages). */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  // Nothing here is a page: should a browser render an answer anyway, it may load and frame nothing.
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  next();
};
