// The chaos suite's Redis, by CHAOS_REDIS: `single` (one redis-server of its own,
// tools/chaos/redis-server.mjs) or `cluster` (a local 6-node Redis Cluster,
// tools/chaos/redis-cluster.mjs). Either way the suite gets the apps' Redis settings, a key
// prefix for the run, the ports (to find the apps' log lines about them) and the Redis faults
// of the schedule, each `{ at, run }` with `at` a share of the submission window.
import { NODE_TIMEOUT_MS, startChaosCluster } from './redis-cluster.mjs';
import { startChaosRedis } from './redis-server.mjs';

export const REDIS_MODES = ['single', 'cluster'];

export async function startRedis(mode, { redisDownMs }) {
  const run = `chaos-${Date.now()}`;
  if (mode === 'cluster') {
    const cluster = await startChaosCluster();
    let failedOver = null;
    return {
      // Empty REDIS_URL: the cluster's nodes are the apps' only Redis (loadConfig reads '' as unset).
      env: { REDIS_CLUSTER_NODES: cluster.nodes, REDIS_URL: '' },
      // A cluster needs the prefix's keys under one hash tag (loadConfig refuses it otherwise).
      prefix: `{${run}}`,
      ports: cluster.ports,
      description: `Redis Cluster ${cluster.nodes} (3 masters + 3 replicas; AOF, appendfsync always; cluster-node-timeout ${NODE_TIMEOUT_MS} ms)`,
      faultsDescription: 'CLUSTER FAILOVER of the busiest master at 35%, the busiest other master SIGKILLed at 45%',
      faults: [
        {
          at: 0.35,
          run: async () => {
            const f = await cluster.failover();
            failedOver = f.slots;
            return `CLUSTER FAILOVER: master ${f.from} (slots ${f.slots}, ${f.keys} keys) handed over to its replica ${f.to} in ${f.tookMs} ms; ${f.from} follows it in sync`;
          },
        },
        {
          at: 0.45,
          run: async () => {
            const k = await cluster.killMaster(failedOver);
            return (
              `master ${k.killed} (slots ${k.slots}, ${k.keys} keys) SIGKILLed: replica ${k.promoted} promoted and the cluster ok ${k.promotedMs} ms later; ` +
              `${k.killed} restarted on its AOF, a replica of ${k.following} in sync ${k.rejoinedMs} ms after the kill`
            );
          },
        },
      ],
      stop: () => cluster.stop(),
    };
  }
  const redis = await startChaosRedis();
  return {
    // Empty REDIS_CLUSTER_NODES: a cluster named in the caller's environment would win over REDIS_URL.
    env: { REDIS_URL: redis.url, REDIS_CLUSTER_NODES: '' },
    prefix: run,
    ports: [redis.port],
    description: `redis-server pid ${redis.pid} on port ${redis.port} (AOF, appendfsync always)`,
    faultsDescription: 'redis-server SIGKILLed at 45%',
    faults: [
      {
        at: 0.45,
        run: async () => {
          const ms = await redis.crashAndRestart(redisDownMs);
          return `redis-server SIGKILLed and restarted on its AOF (${ms} ms without Redis), pid ${redis.pid}`;
        },
      },
    ],
    // The redis-server itself is a child of this process: stopAll stops it.
    stop: () => redis.removeData(),
  };
}
