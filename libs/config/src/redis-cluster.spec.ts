import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('REDIS_CLUSTER_NODES', () => {
  it('is off by default: one Redis at REDIS_URL, prefix voxq', () => {
    expect(loadConfig({}).redis).toEqual({ url: 'redis://127.0.0.1:6379', cluster: null, prefix: 'voxq' });
  });

  it('takes host:port seed nodes, and defaults the prefix to the hash tag {voxq}', () => {
    const { redis } = loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001,[::1]:7002' });
    expect(redis.cluster).toEqual({
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      tls: false,
    });
    expect(redis.prefix).toBe('{voxq}');
  });

  it('takes redis:// and rediss:// entries, whose credentials apply to every node', () => {
    const { cluster } = loadConfig({ REDIS_CLUSTER_NODES: 'rediss://app:s%40cret@a:6380,b:6381' }).redis;
    expect(cluster).toEqual({
      nodes: [
        { host: 'a', port: 6380 },
        { host: 'b', port: 6381 },
      ],
      username: 'app',
      password: 's@cret',
      tls: true,
    });
  });

  it('refuses a prefix without a hash tag on a cluster, saying why', () => {
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_PREFIX: 'acme' })).toThrow(
      /REDIS_PREFIX: on a Redis Cluster it must carry a hash tag, e\.g\. \{acme\}/,
    );
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_PREFIX: '{acme}' }).redis.prefix).toBe('{acme}');
  });

  it('refuses malformed entries, masking any password in them', () => {
    for (const bad of ['a', 'a:0', 'a:70000', 'http://a:1', 'redis://:hunter2@a', 'redis://u:hunter2@a:1,b']) {
      let message = '';
      try {
        loadConfig({ REDIS_CLUSTER_NODES: bad });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, bad).toMatch(/REDIS_CLUSTER_NODES/);
      expect(message).not.toContain('hunter2');
    }
    expect(() => loadConfig({ REDIS_URL: 'http://u:hunter2@a:1' })).toThrow(/got 'http:\/\/\*\*\*@a:1'/);
  });
});
