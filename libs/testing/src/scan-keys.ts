import { Cluster } from 'ioredis';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';

/**
 * Every key matching `pattern`, on one Redis or on every master of a cluster (KEYS and SCAN
 * see one node's keys only). For tests: it walks the whole keyspace.
 */
export async function scanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  // A new Cluster client knows its nodes only once it has read the slots.
  if (redis instanceof Cluster && redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}

/** Every key an installation (`config.redis`) holds, in each of its shards: `rest` narrows them (`q:complete:*`). */
export async function installationKeys(redis: RedisClient, settings: { prefix: string; shards: number }, rest = '*'): Promise<string[]> {
  const shards = KeyShards.for(settings);
  return (await Promise.all(shards.all().map((k) => scanKeys(redis, `${shards.prefixOf(k)}:${rest}`)))).flat();
}
