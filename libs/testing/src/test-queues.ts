import type { Config } from '@voxq/config';
import { isRedisUnavailable } from '@voxq/errors';
import { Queues } from '@voxq/queues';
import type { RedisClient } from '@voxq/redis-keys';

/**
 * voxq's queues on `connection`, for a test that makes them itself (a process gets them from
 * `openProcessResources`, which listens to their errors). A BullMQ Queue whose connection
 * closes before it has finished starting emits 'error'; with no listener that becomes an
 * unhandled rejection, which fails the whole run. On a cluster (8 shards, 42 queues) a test
 * that closes at once often meets it. Connection errors are expected there and ignored;
 * anything else is still thrown.
 */
export function testQueues(connection: RedisClient, config: Config): Queues {
  const queues = new Queues(connection, config);
  for (const queue of queues.all())
    queue.on('error', (error) => {
      if (!isRedisUnavailable(error)) throw error;
    });
  return queues;
}
