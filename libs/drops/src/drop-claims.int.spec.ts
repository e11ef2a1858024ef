import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupPrefix, testConfig } from '@voxq/testing';
import type { Config } from '@voxq/config';
import { createRedisConnection } from '@voxq/queues';
import type { RedisClient } from '@voxq/redis-keys';
import { DropClaims, objectIdentity, STALE_CLAIM_MS } from './drop-claims';

describe('DropClaims', () => {
  let config: Config;
  let redis: RedisClient;
  let claims: DropClaims;

  beforeAll(() => {
    config = testConfig();
    redis = createRedisConnection(config.redis);
    claims = new DropClaims(redis, config.redis.prefix, 3600);
  });
  afterAll(async () => {
    redis?.disconnect();
    await cleanupPrefix(config);
  });

  it('names one object version the same whether its ETag is quoted (listing) or not (event)', () => {
    expect(objectIdentity('b', 'k', '"abc"')).toBe(objectIdentity('b', 'k', 'abc', 'v1'));
    expect(objectIdentity('b', 'k', 'abc')).not.toBe(objectIdentity('b', 'k', 'abd'));
    expect(objectIdentity('b', 'k', undefined, 'v1')).not.toBe(objectIdentity('b', 'k', undefined, 'v2'));
  });

  it('gives a version to one claimant; a settled claim stays taken', async () => {
    const id = randomUUID();
    const results = await Promise.all(Array.from({ length: 10 }, () => claims.claim(id)));
    expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'taken' && !r.settled)).toHaveLength(9);
    await claims.settle(id, { jobId: 'job_1' });
    expect(await claims.claim(id, Date.now() + 10 * STALE_CLAIM_MS)).toEqual({ kind: 'taken', settled: true });
  });

  it('lets one retry take over a pending claim once it is stale (its submitter died)', async () => {
    const id = randomUUID();
    const start = Date.now();
    expect(await claims.claim(id, start)).toEqual({ kind: 'claimed' });
    expect(await claims.claim(id, start + STALE_CLAIM_MS - 1)).toEqual({ kind: 'taken', settled: false });
    const later = start + STALE_CLAIM_MS + 1;
    const retries = await Promise.all([claims.claim(id, later), claims.claim(id, later)]);
    expect(retries.filter((r) => r.kind === 'claimed')).toHaveLength(1);
  });
});
