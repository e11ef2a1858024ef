import { Cluster } from 'ioredis';
import type { Config } from '@voxq/config';
import type { Logger } from '@voxq/logging';
import { redisKeys, type RedisClient } from '@voxq/redis-keys';
import { StartupCheckError } from './startup-check';
import { createRedisConnection } from './redis-connection';

/** How long the check waits for Redis to accept a connection. */
const CONNECT_TIMEOUT_MS = 5_000;

const START_REDIS = 'start one with `redis-server --appendonly yes --maxmemory-policy noeviction` (`npm start` starts one itself), or point REDIS_URL at yours';

/** REDIS_URL as it may be printed: user and password masked. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return parsed.toString();
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace('://', '://***@');
  } catch {
    // Only `new URL` throws here (an invalid URL): the message must not echo it, it may hold a password.
    return '(unparseable REDIS_URL)';
  }
}

/**
 * Redis answers, and keeps BullMQ's keys: with any `maxmemory-policy` but `noeviction`, a
 * Redis under memory pressure deletes queued jobs and their locks silently. A managed Redis
 * that forbids `CONFIG GET` gets a warning (we cannot tell); `REDIS_ALLOW_EVICTION=true`
 * skips the refusal for those who run such a Redis on purpose.
 */
export async function checkRedis(config: Pick<Config, 'redis' | 'lifecycle'>, logger: Logger): Promise<void> {
  const { cluster } = config.redis;
  const shown = cluster ? `REDIS_CLUSTER_NODES=${cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',')}` : `REDIS_URL=${redactRedisUrl(config.redis.url)}`;
  const client = createRedisConnection(config.redis, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // With retries off, connect() rejects with "Connection is closed.": the cause comes as an event.
  let cause: unknown;
  client.on('error', (error: unknown) => (cause ??= error));
  try {
    try {
      await client.connect();
      await client.ping();
    } catch (error) {
      const reason = describe(cause ?? error);
      if (/NOAUTH|WRONGPASS|invalid (username|password)|NOPERM/i.test(reason)) {
        throw new StartupCheckError(
          `Redis at ${shown} refused to authenticate (${reason}): check the user and password in ${cluster ? 'REDIS_CLUSTER_NODES' : 'REDIS_URL'}.`,
        );
      }
      throw new StartupCheckError(`Redis is not reachable at ${shown} (${reason}): ${START_REDIS}.`);
    }

    await checkShardCount(client, config.redis);

    let policy: string | undefined;
    try {
      // On a cluster every master holds part of the queues: the first that may evict decides.
      const masters = client instanceof Cluster ? client.nodes('master') : [client];
      const policies = await Promise.all(masters.map(async (node) => ((await node.call('CONFIG', 'GET', 'maxmemory-policy')) as string[])[1]));
      policy = policies.find((p) => p !== 'noeviction') ?? policies[0];
    } catch (error) {
      logger.warn(
        { redis: shown },
        `cannot read Redis's maxmemory-policy (CONFIG GET refused: ${describe(error)}); make sure it is noeviction, or BullMQ may lose jobs`,
      );
      return;
    }
    if (policy === undefined) {
      logger.warn({ redis: shown }, 'Redis did not report its maxmemory-policy; make sure it is noeviction, or BullMQ may lose jobs');
      return;
    }
    if (policy === 'noeviction') return;
    if (config.lifecycle.redisAllowEviction) {
      logger.warn({ redis: shown, policy }, `Redis's maxmemory-policy is ${policy}, not noeviction: starting anyway (REDIS_ALLOW_EVICTION=true)`);
      return;
    }
    throw new StartupCheckError(
      `Redis at ${shown} has maxmemory-policy ${policy}: under memory pressure it would evict queued jobs. ` +
        'Set it to noeviction (`redis-cli CONFIG SET maxmemory-policy noeviction`, and `maxmemory-policy noeviction` in redis.conf so it survives a restart), ' +
        'or set REDIS_ALLOW_EVICTION=true to start anyway.',
    );
  } finally {
    client.disconnect();
  }
}

/**
 * A job's shard is read from its id, mod the shard count: with another count, every job
 * queued or stored before would be looked for in the wrong shard. The first process to start
 * records the count; one configured otherwise refuses to start.
 */
async function checkShardCount(client: RedisClient, redis: Config['redis']): Promise<void> {
  const key = redisKeys(redis.prefix).meta.shards();
  await client.set(key, String(redis.shards), 'NX');
  const stored = Number(await client.get(key));
  if (stored !== redis.shards) {
    throw new StartupCheckError(
      `REDIS_SHARDS is ${redis.shards}, but this installation (REDIS_PREFIX=${redis.prefix}) keeps its jobs in ${stored} shards: ` +
        `set REDIS_SHARDS=${stored}. The count cannot change under stored jobs (docs/scaling.md says how to move to another).`,
    );
  }
}

function describe(error: unknown): string {
  const e = error as { code?: string; message?: string } | undefined;
  const message = e?.message?.split('\n')[0]?.trim() || String(error);
  return e?.code && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}
