import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { errors, isRedisUnavailable } from '@voxq/errors';

/**
 * Refuses `/v1` requests at once while the API's Redis connection is known to be down
 * (between a connection error and the next `ready`), with the same retryable 503 a failed
 * command gets. Without it each request waits out the command connection's retries
 * (`maxRetriesPerRequest`: seconds each, the reconnect delay growing to 2 s) before failing,
 * and clients pile up requests that cannot succeed.
 */
export function refuseWhileRedisDown(redis: Pick<Redis, 'on'>): RequestHandler {
  // The connection error that began the outage, or null while the connection is up.
  let outage: Error | null = null;
  redis.on('error', (error: Error) => void (isRedisUnavailable(error) && (outage ??= error)));
  redis.on('ready', () => void (outage = null));
  return (_req, _res, next) => next(outage ? errors.redisUnavailable(outage) : undefined);
}
