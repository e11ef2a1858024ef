import { Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupPrefix, installationKeys, testConfig, testQueues } from '@voxq/testing';
import { bullPrefix } from './queue-names';
import { createRedisConnection } from '@voxq/process';

describe('Queues', () => {
  const config = testConfig();
  afterEach(() => cleanupPrefix(config));

  it('adds jobs under the configured prefix that a worker can take', async () => {
    const connection = createRedisConnection(config.redis);
    const queues = await testQueues(connection, config);
    const done = new Promise<unknown>((resolve) => {
      const worker = new Worker('complete', async (job) => job.data, {
        connection: createRedisConnection(config.redis),
        prefix: bullPrefix(config.redis.prefix),
      });
      worker.on('completed', async (_job, value) => {
        await worker.close();
        resolve(value);
      });
    });
    await queues.inShard('complete', 0).add('complete', { hello: 'world' });
    expect(await done).toEqual({ hello: 'world' });
    expect(await installationKeys(connection, config.redis, 'q:complete:*')).not.toHaveLength(0);
    await queues.close();
    connection.disconnect();
  });
});
