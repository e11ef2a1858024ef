import { Router } from 'express';
import type { Redis } from 'ioredis';
import { errors } from '@voxq/errors';

/** Liveness says the process runs; readiness says it can serve (Redis answers). */
export function healthRoutes(redis: Redis): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  router.get('/readyz', async (_req, res) => {
    try {
      await redis.ping();
    } catch (error) {
      throw errors.unavailable('Redis does not answer.', error);
    }
    res.json({ status: 'ready', redis: 'ok' });
  });
  return router;
}
