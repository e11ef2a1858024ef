import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisClusterSettings } from '@voxq/config';
import type { RedisClient } from '@voxq/redis-keys';

/** Where Redis is: `config.redis` (a cluster when `cluster` is set), or a URL. */
export type RedisTarget = string | { url: string; cluster?: RedisClusterSettings | null };

/** Back off reconnects up to 2 s; never give up, a Redis restart must not kill a worker. */
const reconnect = (attempt: number) => Math.min(attempt * 100, 2_000);

/**
 * How many times one command is redirected or retried (MOVED, a closed connection,
 * CLUSTERDOWN) before it fails, each ~200 ms apart. A connection that waits through an
 * outage (`maxRetriesPerRequest: null`: workers, dispatcher) gets ~20 s, past a dead
 * master's `cluster-node-timeout` (Redis's default 15 s) and its replica's election; with
 * ioredis's default, 16 and the first MOVED followed at once, a worker's writes failed
 * mid-job within ~3 s while the cluster still named the dead master (docs/chaos.md). A
 * request path (a retry limit: the api) keeps 16, ~3 s: it answers 503 rather than hang.
 */
const redirectionsFor = (options: RedisOptions) => (options.maxRetriesPerRequest === null ? 100 : 16);

/**
 * ioredis' Cluster client with the same per-connection options: every node connection
 * behaves as a single Redis connection would. Redirections (MOVED/ASK) and a failover's
 * CLUSTERDOWN are retried by the client; slots are refreshed when a node goes away.
 *
 * Never auto-pipelined, whatever the caller asks: ioredis does not retry an automatic
 * pipeline whose commands partly ran before a failover (some answered, the rest MOVED) or
 * were cut off by a master's death ("Command aborted due to connection close"), so each
 * caller got that raw error instead of a redirection (docs/chaos.md).
 */
function createClusterConnection(cluster: RedisClusterSettings, options: RedisOptions): Cluster {
  const { enableAutoPipelining: _notOnCluster, enableOfflineQueue, lazyConnect, retryStrategy, ...perNode } = options;
  const clusterOptions: ClusterOptions = {
    // The caller's: a startup check gives up at once, a worker never does.
    clusterRetryStrategy: (attempt) => (retryStrategy ?? reconnect)(attempt),
    enableReadyCheck: true,
    // A failover takes seconds: retry commands a cluster briefly refuses or misroutes meanwhile.
    retryDelayOnClusterDown: 300,
    retryDelayOnFailover: 200,
    retryDelayOnTryAgain: 100,
    // Until the cluster fails a dead master, its nodes still answer MOVED to it: follow slowly.
    retryDelayOnMoved: 200,
    maxRedirections: redirectionsFor(options),
    slotsRefreshTimeout: 2_000,
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    redisOptions: {
      ...perNode,
      ...(retryStrategy ? { retryStrategy } : {}),
      ...(cluster.username ? { username: cluster.username } : {}),
      ...(cluster.password ? { password: cluster.password } : {}),
      ...(cluster.tls ? { tls: {} } : {}),
    },
  };
  return new Cluster(cluster.nodes, clusterOptions);
}

/**
 * An ioredis client as BullMQ needs it: `maxRetriesPerRequest: null` so blocking commands
 * wait through reconnects instead of failing jobs. Every long-lived connection in voxq is
 * made here so they all reconnect the same way, to one Redis or to a Redis Cluster
 * (`REDIS_CLUSTER_NODES`).
 */
export function createRedisConnection(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  const merged: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: reconnect, ...options };
  if (typeof target !== 'string' && target.cluster) return createClusterConnection(target.cluster, merged);
  return new Redis(typeof target === 'string' ? target : target.url, merged);
}

/**
 * A client for request paths (the API): fail a command after a few retries instead of
 * hanging an HTTP request forever while Redis is away. Commands issued in the same tick by
 * concurrent requests go out in one write (auto-pipelining): far fewer syscalls for Redis
 * and for us under load, no added latency when idle.
 */
export function createCommandConnection(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  return createRedisConnection(target, { maxRetriesPerRequest: 3, enableAutoPipelining: true, ...options });
}
