import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@voxq/logging';
import { cleanupPrefix, eventually, onRedisCluster, testConfig } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import { openProcessResources } from './process-resources';

const logger = createLogger({ name: 'runtime-test', level: 'silent' });

// CLIENT LIST and CLIENT ID are one node's: on a cluster a connection has an id on each node.
describe.skipIf(onRedisCluster())('openProcessResources', () => {
  const config = testConfig();
  const observer = createRedisConnection(config.redis);
  afterEach(() => cleanupPrefix(config));

  /** The name of each client id connected now (other tests' processes may share this Redis). */
  const connected = async (): Promise<Map<string, string>> => {
    const list = String(await observer.client('LIST'));
    return new Map(
      list.split('\n').flatMap((line) => {
        const id = /\bid=(\d+)/.exec(line)?.[1];
        return id ? [[id, /\bname=(\S*)/.exec(line)?.[1] ?? '']] : [];
      }),
    );
  };

  it('opens one named command connection, names each separate one, and closes them all once', async () => {
    const resources = openProcessResources(config, logger, 'worker');
    const subscriber = resources.connection('subscriber:cancel');
    const ids = (await Promise.all([resources.redis.client('ID'), subscriber.client('ID')])).map(String);
    expect(resources.queues.all()).toHaveLength(5 * config.redis.shards + 2);
    expect(resources.objects.bucket).toBe(config.s3.bucket);
    expect(resources.providers.registry.all().length).toBeGreaterThan(0);
    const before = await connected();
    expect(ids.map((id) => before.get(id))).toEqual(['voxq:worker:commands', 'voxq:worker:subscriber:cancel']);

    await Promise.all([resources.close(), resources.close()]);
    await eventually(
      async () => {
        const now = await connected();
        return ids.every((id) => !now.has(id)) ? true : undefined;
      },
      5_000,
      'connections closed',
    );
  });

  it('opens neither an object store nor providers for the dispatcher', async () => {
    const resources = openProcessResources(config, logger, 'dispatcher');
    expect('objects' in resources).toBe(false);
    expect('providers' in resources).toBe(false);
    await resources.close();
    observer.disconnect();
  });
});
