import { isRedisUnavailable } from '@voxq/errors';
import type { Logger } from '@voxq/logging';

/** What a watched client must emit: ioredis' `Redis`, BullMQ's `Queue` and `Worker`. */
interface RedisEvents {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
}

/**
 * Logs an ioredis connection's health through pino: one warning when Redis goes away, one
 * line when the connection is ready again. While Redis is down ioredis emits an error per
 * reconnect attempt (every 2 s at most) and, without a listener, prints each as a raw
 * `[ioredis] Unhandled error event` stack that breaks the JSON logs. Other errors are logged
 * as they come. `connection` names it as `CLIENT LIST` does (`voxq:worker:commands`).
 */
export function watchRedisConnection(client: RedisEvents, logger: Logger, connection: string): void {
  let downSince: number | null = null;
  client.on('error', (error) => {
    if (!isRedisUnavailable(error)) return void logger.error({ err: error, connection }, 'redis connection error');
    if (downSince !== null) return;
    downSince = Date.now();
    // The message, not the stack: where a socket failed says nothing an operator can act on.
    logger.warn({ connection, reason: error.message }, 'redis unavailable');
  });
  client.on('ready', () => {
    if (downSince === null) return;
    logger.info({ connection, unavailableMs: Date.now() - downSince }, 'redis reconnected');
    downSince = null;
  });
}

/**
 * The `error` listener of a BullMQ Queue or Worker: its connection errors are the outage its
 * watched connection already reported (`watchRedisConnection`), so they go to debug; anything
 * else is logged with its stack as `what` (`worker error`).
 */
export function logQueueError(logger: Logger, what: string, fields: Record<string, unknown> = {}): (error: Error) => void {
  return (error) => {
    if (isRedisUnavailable(error)) logger.debug({ ...fields, reason: error.message }, `${what}: redis unavailable`);
    else logger.error({ ...fields, err: error }, what);
  };
}
