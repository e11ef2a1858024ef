import type { RedisClient } from '@voxq/redis-keys';
import { redisKeys } from '@voxq/redis-keys';

export async function publishCancel(redis: RedisClient, prefix: string, jobId: string): Promise<void> {
  // The channel on which the API tells workers to abort a running job.
  await redis.publish(redisKeys(prefix).channels.cancel(), jobId);
}

/**
 * Subscribes a dedicated connection (a subscribed client can run nothing else) and calls
 * `onCancel` with each cancelled job id. Returns a function that unsubscribes.
 */
export async function subscribeCancels(subscriber: RedisClient, prefix: string, onCancel: (jobId: string) => void): Promise<() => Promise<void>> {
  const channel = redisKeys(prefix).channels.cancel();
  const listener = (ch: string, message: string) => {
    if (ch === channel) onCancel(message);
  };
  subscriber.on('message', listener);
  await subscriber.subscribe(channel);
  return async () => {
    subscriber.off('message', listener);
    await subscriber.unsubscribe(channel);
  };
}
