import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('REDIS_CLUSTER_NODES', () => {
  it('is off by default: one Redis at REDIS_URL, prefix voxq, one shard', () => {
    expect(loadConfig({}).redis).toEqual({ url: 'redis://127.0.0.1:6379', cluster: null, prefix: 'voxq', shards: 1 });
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
    expect(redis.shards).toBe(8);
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

  it('takes REDIS_SHARDS with a hash-tagged prefix, on one Redis too, and refuses it without one', () => {
    expect(loadConfig({ REDIS_SHARDS: '4', REDIS_PREFIX: '{t}' }).redis.shards).toBe(4);
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_SHARDS: '1' }).redis.shards).toBe(1);
    expect(() => loadConfig({ REDIS_SHARDS: '4' })).toThrow(/REDIS_SHARDS: more than one shard needs a hash-tagged REDIS_PREFIX/);
    expect(() => loadConfig({ REDIS_SHARDS: '300', REDIS_PREFIX: '{t}' })).toThrow(/REDIS_SHARDS/);
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
