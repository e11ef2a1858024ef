import type { RequestHandler } from 'express';
import type { ApiRateLimiter } from '@voxq/auth';
import { errors } from '@voxq/errors';
import { principalOf } from './authenticate';

/**
 * Per-API-key rate limit on every authenticated route (after `authenticate`). Every
 * response of a limited key carries `X-RateLimit-Limit` (requests per second),
 * `X-RateLimit-Remaining` (left this second, burst not counted) and `X-RateLimit-Reset`
 * (seconds until the window resets); over the limit it is a 429 with `Retry-After`.
 * An unlimited key (rate 0) gets no headers.
 */
export function rateLimit(limiter: ApiRateLimiter): RequestHandler {
  return async (req, res, next) => {
    const decision = await limiter.consume(principalOf(req));
    if (!decision) return next();
    res.setHeader('X-RateLimit-Limit', String(decision.limit));
    res.setHeader('X-RateLimit-Remaining', String(decision.remaining));
    res.setHeader('X-RateLimit-Reset', String(decision.resetSeconds));
    if (decision.allowed) return next();
    next(
      errors.rateLimited(
        `Rate limit exceeded: this API key may make ${decision.limit} requests per second. Retry after ${decision.resetSeconds} s (see Retry-After).`,
        decision.resetSeconds,
      ),
    );
  };
}
