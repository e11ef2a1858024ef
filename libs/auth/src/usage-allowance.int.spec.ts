import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '@voxq/errors';
import { cleanupPrefix, testConfig } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import { redisKeys, type RedisClient } from '@voxq/redis-keys';
import { ApiKeyStore } from './api-keys';
import { UsageAllowance } from './usage-allowance';
import { usagePeriodOf } from './usage-period';

describe('UsageAllowance (real Redis)', () => {
  const config = testConfig();
  let redis: RedisClient;
  let allowance: UsageAllowance;
  let keys: ApiKeyStore;

  beforeAll(() => {
    redis = createRedisConnection(config.redis);
    allowance = new UsageAllowance(redis, config.redis.prefix, 5);
    keys = new ApiKeyStore(redis, config.redis.prefix);
  });
  afterAll(async () => {
    await cleanupPrefix(config);
    redis.disconnect();
  });

  it('charges up to the allowance, then refuses with a 402 that says what is left, charging nothing', async () => {
    await allowance.charge('t-charge', 3);
    const refused = await allowance.charge('t-charge', 3).catch((e: AppError) => e);
    expect(refused).toMatchObject({ status: 402, code: 'allowance_exhausted' });
    expect((refused as AppError).message).toContain('2 of 5 jobs left');
    expect(await allowance.usage('t-charge')).toMatchObject({ jobs: 3, allowance: 5, remaining: 2 });
    await allowance.charge('t-charge', 2);
    expect(await allowance.usage('t-charge')).toMatchObject({ jobs: 5, remaining: 0 });
  });

  it('a refused first charge of the month leaves no counter behind (one without its expiry)', async () => {
    const refused = await allowance.charge('t-first', 6).catch((e: AppError) => e);
    expect(refused).toMatchObject({ status: 402, code: 'allowance_exhausted' });
    expect(await redis.keys(`${config.redis.prefix}:usage:t-first:*`)).toEqual([]);
  });

  it('never lets concurrent charges together pass the allowance', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => allowance.charge('t-race', 1)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect((await allowance.usage('t-race')).jobs).toBe(5);
  });

  it('charges requests made together in one step, each whole if it fits after those before it', async () => {
    // Same turn of the event loop: one batch, in call order. 3 fits, 4 does not (3 + 4 > 5), 2 does, 1 does not.
    const results = await Promise.allSettled([3, 4, 2, 1].map((n) => allowance.charge('t-together', n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect(((results[1] as PromiseRejectedResult).reason as AppError).message).toContain('2 of 5 jobs left');
    expect(((results[3] as PromiseRejectedResult).reason as AppError).message).toContain('0 of 5 jobs left');
    expect((await allowance.usage('t-together')).jobs).toBe(5);
    // Named, not listed: on a cluster KEYS asks one node only.
    const counter = (tenantId: string) => redisKeys(config.redis.prefix).auth.usageCounter(tenantId, usagePeriodOf(new Date()).period);
    expect(await redis.ttl(counter('t-together'))).toBeGreaterThan(0);
    // A batch of which nothing fits, on a fresh month's counter, leaves none behind.
    const none = await Promise.allSettled([6, 7].map((n) => allowance.charge('t-none', n)));
    expect(none.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await redis.exists(counter('t-none'))).toBe(0);
  });

  it('charges once under a charge id, however often the charge is repeated', async () => {
    await allowance.charge('t-once', 3, new Date(), 'batch:b1');
    await allowance.charge('t-once', 3, new Date(), 'batch:b1');
    expect((await allowance.usage('t-once')).jobs).toBe(3);
    // A refused charge sets no marker: the same id charges once it fits.
    await expect(allowance.charge('t-once', 3, new Date(), 'batch:b2')).rejects.toMatchObject({ status: 402 });
    await allowance.charge('t-once', 2, new Date(), 'batch:b2');
    expect((await allowance.usage('t-once')).jobs).toBe(5);
  });

  it('refunds, never below zero', async () => {
    await allowance.charge('t-refund', 4);
    await allowance.refund('t-refund', 3);
    expect((await allowance.usage('t-refund')).jobs).toBe(1);
    await allowance.refund('t-refund', 10);
    expect((await allowance.usage('t-refund')).jobs).toBe(0);
  });

  it("takes a tenant's own allowance over the default; 0 is unlimited; null restores the default", async () => {
    expect(await allowance.setAllowance('t-own', 2)).toBe(false);
    await keys.create('t-own');
    expect(await allowance.setAllowance('t-own', 2)).toBe(true);
    await expect(allowance.charge('t-own', 3)).rejects.toMatchObject({ status: 402 });
    await allowance.setAllowance('t-own', 0);
    await allowance.charge('t-own', 50);
    expect(await allowance.usage('t-own')).toMatchObject({ jobs: 50, allowance: null, remaining: null });
    await allowance.setAllowance('t-own', null);
    expect(await allowance.usage('t-own')).toMatchObject({ allowance: 5, remaining: 0 });
  });

  it('counts per UTC month, each counter kept a while after its month ends', async () => {
    const now = new Date();
    const next = usagePeriodOf(now).endsAt;
    await allowance.charge('t-month', 5, now);
    await allowance.charge('t-month', 2, next);
    expect((await allowance.usage('t-month', now)).jobs).toBe(5);
    expect(await allowance.usage('t-month', next)).toMatchObject({ period: usagePeriodOf(next).period, jobs: 2 });
    const ttl = await redis.ttl(`${config.redis.prefix}:usage:t-month:jobs:${usagePeriodOf(now).period}`);
    expect(ttl).toBeGreaterThan((next.getTime() - now.getTime()) / 1000);
  });
});
