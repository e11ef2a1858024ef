import { Redis, type RedisOptions } from 'ioredis';

/**
 * An ioredis client as BullMQ needs it: `maxRetriesPerRequest: null` so blocking commands
 * wait through reconnects instead of failing jobs. Every long-lived connection in voxq is
 * made here so they all reconnect the same way.
 */
export function createRedisConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    // Back off reconnects up to 2 s; never give up, a Redis restart must not kill a worker.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    ...options,
  });
}

/**
 * A client for request paths (the API): fail a command after a few retries instead of
 * hanging an HTTP request forever while Redis is away. Commands issued in the same tick by
 * concurrent requests go out in one write (auto-pipelining): far fewer syscalls for Redis
 * and for us under load, no added latency when idle.
 */
export function createCommandConnection(url: string, options: RedisOptions = {}): Redis {
  return createRedisConnection(url, { maxRetriesPerRequest: 3, enableAutoPipelining: true, ...options });
}
