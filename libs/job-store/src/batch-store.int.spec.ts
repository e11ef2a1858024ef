import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyShards, redisKeys, type RedisClient } from '@voxq/redis-keys';
import { cleanupPrefix, testConfig } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import { BatchStore, derivedFileId, newFileId, type FileRecord } from './batch-store';

const config = testConfig();
const file = (tenantId: string, id: string, purpose = 'batch'): FileRecord => ({
  id,
  tenantId,
  key: `tenants/${tenantId}/files/${id}`,
  bytes: 1,
  filename: `${id}.jsonl`,
  purpose,
  createdAt: Math.floor(Date.now() / 1000),
  expiresAt: null,
});

describe('BatchStore.listFiles', () => {
  let redis: RedisClient;
  let store: BatchStore;

  beforeAll(() => {
    redis = createRedisConnection(config.redis);
    store = new BatchStore(redis, KeyShards.for(config.redis), 60);
  });
  afterAll(async () => {
    redis.disconnect();
    await cleanupPrefix(config);
  });

  it('pages by write time then id, both ways, even when many files share a millisecond', async () => {
    const index = redisKeys(config.redis.prefix).batches.tenantFiles('ties');
    // Twelve files written "at once": the index holds them under one score.
    const ids = Array.from({ length: 12 }, (_, i) => derivedFileId('batch_ties', String(i)));
    for (const id of ids) await store.putFile(file('ties', id));
    await redis.zadd(index, ...ids.flatMap((id) => [1, id]));
    const later = newFileId();
    await store.putFile(file('ties', later, 'batch_output'));

    const walk = async (order: 'asc' | 'desc', limit: number, purpose?: string) => {
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.listFiles('ties', { limit, order, ...(after ? { after } : {}), ...(purpose ? { purpose } : {}) });
        seen.push(...page!.files.map((f) => f.id));
        if (!page!.hasMore) return seen;
        after = seen.at(-1);
      }
    };
    const sorted = [...ids].sort();
    expect(await walk('asc', 5)).toEqual([...sorted, later]);
    expect(await walk('desc', 5)).toEqual([later, ...[...sorted].reverse()]);
    expect(await walk('desc', 100, 'batch_output')).toEqual([later]);
    expect(await walk('asc', 4, 'batch')).toEqual(sorted);
  });

  it('drops ids whose records are gone, keeps tenants apart, and refuses an unknown cursor', async () => {
    const kept = newFileId();
    const gone = newFileId(Date.now() + 1);
    await store.putFile(file('acme', kept));
    await store.putFile(file('acme', gone));
    await store.putFile(file('other', newFileId()));
    await redis.del(redisKeys(config.redis.prefix).batches.file('acme', gone));

    expect((await store.listFiles('acme', { limit: 10, order: 'desc' }))!.files.map((f) => f.id)).toEqual([kept]);
    expect(await redis.zrange(redisKeys(config.redis.prefix).batches.tenantFiles('acme'), 0, -1)).toEqual([kept]);
    expect(await store.listFiles('acme', { limit: 10, order: 'desc', after: 'file-unknown' })).toBeNull();

    await store.deleteFile('acme', kept);
    expect((await store.listFiles('acme', { limit: 10, order: 'desc' }))!.files).toEqual([]);
  });
});
