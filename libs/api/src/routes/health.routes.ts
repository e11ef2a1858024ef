import { Router } from 'express';
import type { Redis } from 'ioredis';
import { errors } from '@voxq/errors';

/** Apps shutting down: their readiness fails so load balancers stop sending them requests. */
const draining = new WeakSet<object>();

/** From now on `/readyz` answers 503 `{status: "draining"}` (liveness stays 200). */
export function markDraining(app: object): void {
  draining.add(app);
}

/** Liveness says the process runs; readiness says it can serve (Redis answers, not shutting down). */
export function healthRoutes(redis: Redis): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  router.get('/readyz', async (req, res) => {
    if (draining.has(req.app)) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    try {
      await redis.ping();
    } catch (error) {
      throw errors.redisUnavailable(error);
    }
    res.json({ status: 'ready', redis: 'ok' });
  });
  return router;
}
