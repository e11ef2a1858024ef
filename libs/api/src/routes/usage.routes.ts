import { Router } from 'express';
import type { ApiRateLimiter, UsageAllowance } from '@voxq/auth';
import { principalOf } from '../middleware/authenticate';

/**
 * `GET /v1/usage`: the tenant's jobs this month against its allowance, and the calling
 * key's rate limit (`{object, period, jobs, allowance, remaining, resetsAt, rateLimit}`;
 * null = unlimited).
 */
export function usageRoutes(deps: { allowance: UsageAllowance; limiter: ApiRateLimiter }): Router {
  const router = Router();
  router.get('/v1/usage', async (req, res) => {
    const principal = principalOf(req);
    const limit = deps.limiter.limitOf(principal);
    res.json({
      object: 'usage',
      ...(await deps.allowance.usage(principal.tenantId)),
      rateLimit: limit.perSecond === 0 ? null : { perSecond: limit.perSecond, burst: limit.burst },
    });
  });
  return router;
}
