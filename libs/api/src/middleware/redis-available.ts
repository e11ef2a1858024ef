import type { RequestHandler } from 'express';
import type { RedisClient } from '@voxq/redis-keys';
import { errors, isRedisUnavailable } from '@voxq/errors';

/** Whether the API's Redis connection is known to be down, as its events tell. */
export interface RedisOutage {
  /** The connection error that began the outage, or null while the connection is up. */
  readonly cause: Error | null;
}

/** Follows `redis`: down from a connection error (`isRedisUnavailable`) until the next `ready`. */
export function trackRedisOutage(redis: Pick<RedisClient, 'on'>): RedisOutage {
  const outage: { cause: Error | null } = { cause: null };
  redis.on('error', (error: Error) => void (isRedisUnavailable(error) && (outage.cause ??= error)));
  redis.on('ready', () => void (outage.cause = null));
  return outage;
}

/**
 * Refuses requests at once while the API's Redis connection is known to be down, with the
 * same retryable 503 a failed command gets. Without it each request waits out the command
 * connection's retries (`maxRetriesPerRequest`: seconds each, the reconnect delay growing to
 * 2 s) before failing, and clients pile up requests that cannot succeed.
 */
export function refuseWhileRedisDown(outage: RedisOutage): RequestHandler {
  return (_req, _res, next) => next(outage.cause ? errors.redisUnavailable(outage.cause) : undefined);
}
