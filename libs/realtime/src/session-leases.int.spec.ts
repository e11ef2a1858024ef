import { afterAll, describe, expect, it } from 'vitest';
import { createCommandConnection } from '@voxq/queues';
import { redisKeys } from '@voxq/redis-keys';
import { cleanupPrefix, testConfig } from '@voxq/testing';
import { SessionLeases } from './session-leases';

describe('SessionLeases (real Redis)', () => {
  const config = testConfig();
  const redis = createCommandConnection(config.redis);
  const leases = new SessionLeases(redis, config.redis.prefix);
  afterAll(async () => {
    await cleanupPrefix(config);
    redis.disconnect();
  });

  it('holds a tenant to its limit, frees a slot on release, and keeps tenants apart', async () => {
    expect(await leases.acquire('t1', 'rts_a', 2)).toBe(true);
    expect(await leases.acquire('t1', 'rts_b', 2)).toBe(true);
    expect(await leases.acquire('t1', 'rts_c', 2)).toBe(false);
    expect(await leases.acquire('t2', 'rts_d', 2)).toBe(true);
    expect(await leases.count('t1')).toBe(2);
    await leases.release('t1', 'rts_a');
    expect(await leases.acquire('t1', 'rts_c', 2)).toBe(true);
    expect(await leases.acquire('t3', 'rts_e', 0)).toBe(true);
  });

  it('does not count a lease whose process stopped renewing it', async () => {
    const key = redisKeys(config.redis.prefix).realtime.tenantOpen('t4');
    // A session whose API process died a minute ago: its lease lapsed.
    await redis.zadd(key, Date.now() - 60_000, 'rts_dead');
    expect(await leases.count('t4')).toBe(0);
    expect(await leases.acquire('t4', 'rts_new', 1)).toBe(true);
    expect(await redis.zrange(key, 0, -1)).toEqual(['rts_new']);
    // Renewing a released session does not bring it back.
    await leases.release('t4', 'rts_new');
    await leases.renew('t4', 'rts_new');
    expect(await leases.count('t4')).toBe(0);
  });
});
