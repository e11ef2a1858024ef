import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { loadConfig, type Config } from '@voxq/config';
import { createRedisConnection } from '@voxq/queues';
import { installationKeys } from './scan-keys';

/**
 * A config for one test: the shared test Redis and S3, a fresh key prefix so tests never see
 * each other's queues or records, fast backoffs, and local URLs allowed for receivers.
 * Objects are kept apart by tenant (`tenants/<tenantId>/`): use fresh tenant ids per test.
 */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const cluster = overrides.REDIS_URL ? '' : inject('redisClusterNodes');
  const shards = process.env['TEST_REDIS_SHARDS'];
  return loadConfig({
    NODE_ENV: 'test',
    REDIS_URL: inject('redisUrl'),
    // On a cluster the prefix is a hash tag: every key of a test on one slot.
    ...(cluster ? { REDIS_CLUSTER_NODES: cluster, REDIS_PREFIX: `{test-${randomUUID()}}` } : { REDIS_PREFIX: `test-${randomUUID()}` }),
    // TEST_REDIS_SHARDS: the sharded key layout on one Redis too (a hash-tagged prefix), as a cluster has it.
    ...(shards ? { REDIS_PREFIX: `{test-${randomUUID()}}`, REDIS_SHARDS: shards } : {}),
    LOG_LEVEL: 'silent',
    API_PORT: '0',
    JOB_BACKOFF_MS: '50',
    BATCH_POLL_MS: '100',
    WEBHOOK_RETRY_SCHEDULE: '0,50ms,50ms,50ms,50ms,50ms,50ms,50ms',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOK_ALLOW_HTTP: 'true',
    PROVIDER_TIMEOUT_MS: '5000',
    S3_ENDPOINT: inject('s3Endpoint'),
    S3_BUCKET: inject('s3Bucket'),
    S3_ACCESS_KEY_ID: inject('s3AccessKeyId'),
    S3_SECRET_ACCESS_KEY: inject('s3SecretAccessKey'),
    S3_FORCE_PATH_STYLE: 'true',
    ...overrides,
  });
}

/** Deletes every key under a test's prefix, in each of its shards. */
export async function cleanupPrefix(config: Config): Promise<void> {
  const redis = createRedisConnection(config.redis, { maxRetriesPerRequest: 1 });
  try {
    const keys = await installationKeys(redis, config.redis);
    // One key per command: on a cluster, keys of different slots cannot go in one UNLINK.
    for (let i = 0; i < keys.length; i += 500) await Promise.all(keys.slice(i, i + 500).map((key) => redis.unlink(key)));
  } finally {
    redis.disconnect();
  }
}

/** Polls until `check` returns a value other than undefined, or throws after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** The Redis settings of `config` as a child process's environment: the same Redis (or cluster) and prefix. */
export function redisEnv(config: Config): Record<string, string> {
  const { url, prefix, cluster, shards } = config.redis;
  return {
    REDIS_URL: url,
    REDIS_PREFIX: prefix,
    REDIS_SHARDS: String(shards),
    ...(cluster ? { REDIS_CLUSTER_NODES: cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',') } : {}),
  };
}

/** True when this run is against a Redis Cluster (`npm run test:cluster`). */
export const onRedisCluster = (): boolean => inject('redisClusterNodes') !== '';

/**
 * The environment of a voxq app run as a child process (a bundled app, as `npm run build`
 * makes it) against `config`'s Redis (or cluster), prefix and S3: JSON logs at info, the local
 * engines and drop polling off. `extra` adds to it or overrides it (OPENAI_BASE_URL, ports).
 */
export function appProcessEnv(config: Config, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_NO_WARNINGS: '1', // the AWS SDK's notice about Node 22 on stderr
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    ...redisEnv(config),
    S3_ENDPOINT: config.s3.endpoint,
    S3_BUCKET: config.s3.bucket,
    S3_ACCESS_KEY_ID: config.s3.credentials?.accessKeyId,
    S3_SECRET_ACCESS_KEY: config.s3.credentials?.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    OPENAI_API_KEY: 'sk-sim-test',
    ESPEAK_ENABLED: 'false',
    POCKETSPHINX_ENABLED: 'false',
    DROP_POLL_INTERVAL_MS: '0',
    ...extra,
  };
}
