import type { Cluster } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createCommandConnection, createRedisConnection } from './redis-connection';

/** A cluster target nothing listens on: the clients below never connect (lazyConnect). */
const cluster = { url: 'redis://127.0.0.1:6379', cluster: { nodes: [{ host: '127.0.0.1', port: 1 }], tls: false } };

describe('createRedisConnection on a cluster', () => {
  it('never auto-pipelines, even when asked: ioredis hands a failover’s MOVED to each command of such a pipeline', () => {
    const clients = [
      createRedisConnection(cluster, { enableAutoPipelining: true, lazyConnect: true }),
      createCommandConnection(cluster, { lazyConnect: true }),
    ];
    for (const client of clients) {
      expect((client as Cluster).options.enableAutoPipelining).toBe(false);
      client.disconnect();
    }
  });

  it('keeps a waiting connection following redirections past a dead master’s 15 s cluster-node-timeout', () => {
    const client = createRedisConnection(cluster, { lazyConnect: true }) as Cluster;
    expect(redirectionBudgetMs(client)).toBeGreaterThanOrEqual(15_000);
    client.disconnect();
  });

  it('lets a request path’s connection give up within seconds, as it does on one Redis', () => {
    const client = createCommandConnection(cluster, { lazyConnect: true }) as Cluster;
    expect(redirectionBudgetMs(client)).toBeLessThanOrEqual(5_000);
    client.disconnect();
  });
});

/** How long a command keeps being redirected before it fails, at the shortest retry delay. */
function redirectionBudgetMs(client: Cluster): number {
  const { maxRedirections = 0, retryDelayOnMoved = 0, retryDelayOnFailover = 0 } = client.options;
  return maxRedirections * Math.min(retryDelayOnMoved, retryDelayOnFailover);
}
