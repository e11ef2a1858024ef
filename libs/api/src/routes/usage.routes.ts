import { Router } from 'express';
import type { ApiRateLimiter, UsageAllowance } from '@voxq/auth';
import { usageQuerySchema } from '@voxq/contracts';
import { parseOrThrow } from '@voxq/intake';
import { usageRangeOf, type UsageReport } from '@voxq/usage';
import { principalOf } from '../middleware/authenticate';

/**
 * `GET /v1/usage?from=&to=`: voxq's own fields, the tenant's jobs this month against its
 * allowance and the calling key's rate limit (`{object, period, jobs, allowance, remaining,
 * resetsAt, rateLimit}`; null = unlimited), beside the Speko SDK's `UsageSummary` for the
 * asked days (default: this month): completed jobs (`totalSessions`), audio minutes, cost
 * at today's catalog prices, and the breakdown by capability and provider. voxq keeps no
 * prepaid balance, so `balanceUsd` is null.
 */
export function usageRoutes(deps: { allowance: UsageAllowance; limiter: ApiRateLimiter; usage: UsageReport }): Router {
  const router = Router();
  router.get('/v1/usage', async (req, res) => {
    const range = usageRangeOf(parseOrThrow(usageQuerySchema, req.query, 'query'));
    const principal = principalOf(req);
    const limit = deps.limiter.limitOf(principal);
    const [allowance, totals] = await Promise.all([deps.allowance.usage(principal.tenantId), deps.usage.read(principal.tenantId, range)]);
    res.json({
      object: 'usage',
      ...allowance,
      rateLimit: limit.perSecond === 0 ? null : { perSecond: limit.perSecond, burst: limit.burst },
      from: range.from,
      to: range.to,
      ...totals,
      balanceUsd: null,
      currency: 'USD',
    });
  });
  return router;
}
