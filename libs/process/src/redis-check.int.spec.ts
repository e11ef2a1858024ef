import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Logger } from '@voxq/logging';
import { testConfig } from '@voxq/testing';
import { checkRedis } from './redis-check';
import { createRedisConnection } from './redis-connection';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const fakeLogger = () => ({ warn: vi.fn() }) as unknown as Logger & { warn: ReturnType<typeof vi.fn> };

describe('checkRedis', () => {
  let lru: ChildProcess;
  let lruUrl: string;

  beforeAll(async () => {
    // A throwaway Redis that evicts: what BullMQ must refuse.
    const port = await freePort();
    lru = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--maxmemory-policy', 'allkeys-lru', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    lruUrl = `redis://127.0.0.1:${port}`;
    for (let i = 0; i < 50; i++) {
      const client = new Redis(lruUrl, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      client.on('error', () => undefined);
      const up = await client.connect().then(
        () => true,
        () => false,
      );
      client.disconnect();
      if (up) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('redis-server did not start');
  });
  afterAll(() => void lru?.kill('SIGTERM'));

  it('passes on a Redis with noeviction', async () => {
    const config = testConfig();
    const redis = createRedisConnection(config.redis);
    const [, policy] = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    redis.disconnect();
    if (policy !== 'noeviction') return void console.warn(`[redis-check] the test Redis runs ${policy}: noeviction case skipped`);
    await expect(checkRedis(config, fakeLogger())).resolves.toBeUndefined();
  });

  it('refuses an evicting Redis, naming the policy and the fix', async () => {
    const error = await checkRedis(testConfig({ REDIS_URL: lruUrl }), fakeLogger()).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`Redis at REDIS_URL=${lruUrl} has maxmemory-policy allkeys-lru`);
    expect((error as Error).message).toContain('CONFIG SET maxmemory-policy noeviction');
    expect((error as Error).message).toContain('redis.conf');
    expect((error as Error).message).toContain('REDIS_ALLOW_EVICTION=true');
    expect((error as Error).message).not.toContain('\n');
  });

  it('starts on an evicting Redis with REDIS_ALLOW_EVICTION=true, with a warning', async () => {
    const logger = fakeLogger();
    await expect(checkRedis(testConfig({ REDIS_URL: lruUrl, REDIS_ALLOW_EVICTION: 'true' }), logger)).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledOnce();
    expect(String(logger.warn.mock.calls[0]?.[1])).toContain('allkeys-lru');
  });

  it('warns and continues when CONFIG is forbidden (managed Redis)', async () => {
    const admin = new Redis(lruUrl);
    await admin.call('ACL', 'SETUSER', 'app', 'on', '>pw', '~*', '&*', '+@all', '-config');
    admin.disconnect();
    const url = lruUrl.replace('redis://', 'redis://app:pw@');
    const logger = fakeLogger();
    await expect(checkRedis(testConfig({ REDIS_URL: url }), logger)).resolves.toBeUndefined();
    expect(String(logger.warn.mock.calls[0]?.[1])).toMatch(/cannot read Redis's maxmemory-policy.*NOPERM/);
  });

  it('says which REDIS_URL does not answer (without its password) and how to start Redis', async () => {
    const port = await freePort();
    const error = await checkRedis(testConfig({ REDIS_URL: `redis://:hunter2@127.0.0.1:${port}` }), fakeLogger()).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      new RegExp(`^Redis is not reachable at REDIS_URL=redis://\\*\\*\\*@127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED.*\\): start one with \`redis-server`),
    );
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('says the password is wrong rather than that Redis is away', async () => {
    const error = await checkRedis(testConfig({ REDIS_URL: lruUrl.replace('redis://', 'redis://app:wrong@') }), fakeLogger()).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/refused to authenticate \(WRONGPASS/);
    expect((error as Error).message).not.toContain('wrong@');
  });

  it('refuses a REDIS_SHARDS other than the count the installation keeps its jobs in', async () => {
    const settings = { REDIS_URL: lruUrl, REDIS_ALLOW_EVICTION: 'true', REDIS_PREFIX: '{shard-count}' };
    await expect(checkRedis(testConfig({ ...settings, REDIS_SHARDS: '4' }), fakeLogger())).resolves.toBeUndefined();
    await expect(checkRedis(testConfig({ ...settings, REDIS_SHARDS: '4' }), fakeLogger())).resolves.toBeUndefined();
    const error = await checkRedis(testConfig({ ...settings, REDIS_SHARDS: '2' }), fakeLogger()).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      /^REDIS_SHARDS is 2, but this installation \(REDIS_PREFIX=\{shard-count\}\) keeps its jobs in 4 shards: set REDIS_SHARDS=4\./,
    );
  });
});
