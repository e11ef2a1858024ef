import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@voxq/logging';
import { cleanupPrefix, eventually, testConfig } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import type { RedisClient } from '@voxq/redis-keys';
import { openProcessResources } from './process-resources';

const logger = createLogger({ name: 'runtime-test', level: 'silent' });

/**
 * A client's server connections, keyed by address: its one, or on a cluster one per node.
 * `connectedOnly`: the nodes it has connected to (a cluster client connects on first use);
 * otherwise every node, connecting where needed.
 */
function serverConnections(client: RedisClient, connectedOnly: boolean): Array<{ node: string; redis: Redis }> {
  if (!('nodes' in client)) return [{ node: 'single', redis: client }];
  return client
    .nodes('all')
    .filter((redis) => !connectedOnly || redis.status === 'ready')
    .map((redis) => ({ node: `${redis.options.host}:${redis.options.port}`, redis }));
}

describe('openProcessResources', () => {
  const config = testConfig();
  const observer = createRedisConnection(config.redis);
  afterEach(() => cleanupPrefix(config));

  /** Each node's client ids connected now, with their names (other tests' processes may share this Redis). */
  const connected = async (): Promise<Map<string, string>> => {
    await observer.ping(); // connected: a cluster client then knows its nodes
    const lists = await Promise.all(serverConnections(observer, false).map(async ({ node, redis }) => ({ node, list: String(await redis.client('LIST')) })));
    return new Map(
      lists.flatMap(({ node, list }) =>
        list.split('\n').flatMap((line) => {
          const id = /\bid=(\d+)/.exec(line)?.[1];
          return id ? [[`${node}#${id}`, /\bname=(\S*)/.exec(line)?.[1] ?? '']] : [];
        }),
      ),
    );
  };
  /** CLIENT ID of each of the client's server connections, as `connected` keys them. */
  const idsOf = async (client: RedisClient) => {
    await client.ping();
    return Promise.all(serverConnections(client, true).map(async ({ node, redis }) => `${node}#${String(await redis.client('ID'))}`));
  };

  it('opens one named command connection, names each separate one, and closes them all once', async () => {
    const resources = openProcessResources(config, logger, 'worker');
    const subscriber = resources.connection('subscriber:cancel');
    const [commandIds, subscriberIds] = await Promise.all([idsOf(resources.redis), idsOf(subscriber)]);
    expect(resources.queues.all()).toHaveLength(6 * config.redis.shards + 2);
    expect(resources.objects.bucket).toBe(config.s3.bucket);
    expect(resources.providers.registry.all().length).toBeGreaterThan(0);
    const before = await connected();
    expect(commandIds.length).toBeGreaterThan(0);
    expect(new Set(commandIds.map((id) => before.get(id)))).toEqual(new Set(['voxq:worker:commands']));
    expect(new Set(subscriberIds.map((id) => before.get(id)))).toEqual(new Set(['voxq:worker:subscriber:cancel']));

    await Promise.all([resources.close(), resources.close()]);
    const ids = [...commandIds, ...subscriberIds];
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
