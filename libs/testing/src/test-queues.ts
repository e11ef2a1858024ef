import type { Config } from '@voxq/config';
import { Queues } from '@voxq/queues';
import type { RedisClient } from '@voxq/redis-keys';

/**
 * voxq's queues on `connection`, for a test that makes them itself, each started before it is
 * used. A BullMQ Queue closed while it is still starting drops its listeners, and its start
 * then fails on the closed connection with nobody listening: an unhandled rejection
 * ("Connection is closed.") that fails the whole run. On a cluster (8 shards: 42 queues) a
 * test that closes soon after making them often met it.
 */
export async function testQueues(connection: RedisClient, config: Config): Promise<Queues> {
  const queues = new Queues(connection, config);
  await Promise.all(queues.all().map((queue) => queue.waitUntilReady()));
  return queues;
}
