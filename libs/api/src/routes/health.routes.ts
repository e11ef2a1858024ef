import { Router } from 'express';
import type { RedisClient } from '@voxq/redis-keys';
import { errors } from '@voxq/errors';
import type { RedisOutage } from '../middleware/redis-available';

/** Apps shutting down: their readiness fails so load balancers stop sending them requests. */
const draining = new WeakSet<object>();

/** From now on `/readyz` answers 503 `{status: "draining"}` (liveness stays 200). */
export function markDraining(app: object): void {
  draining.add(app);
}

/**
 * Liveness says the process runs; readiness says it can serve (Redis answers, not shutting
 * down). While `outage` knows Redis is down, readiness fails at once instead of waiting out
 * the command connection's retries (longer than a probe's timeout).
 */
export function healthRoutes(redis: RedisClient, outage: RedisOutage = { cause: null }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  router.get('/readyz', async (req, res) => {
    if (draining.has(req.app)) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    if (outage.cause) throw errors.redisUnavailable(outage.cause);
    try {
      await redis.ping();
    } catch (error) {
      throw errors.redisUnavailable(error);
    }
    res.json({ status: 'ready', redis: 'ok' });
  });
  return router;
}
