import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupPrefix, testConfig } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import type { RedisClient } from '@voxq/redis-keys';
import { ProviderLimiter } from './provider-limits';
import { ProviderStates } from './provider-states';

const config = testConfig();
const KEY = 'llm:alpha';
const options = { failures: 3, windowMs: 10_000, cooldownMs: 400, probeMs: 2_000 };

/**
 * Two instances on two connections stand for two worker processes: everything they share
 * goes through Redis.
 */
describe('shared provider state across processes', () => {
  let a: RedisClient;
  let b: RedisClient;
  beforeAll(() => {
    a = createRedisConnection(config.redis);
    b = createRedisConnection(config.redis);
  });
  afterEach(() => cleanupPrefix(config));
  afterAll(() => {
    a.disconnect();
    b.disconnect();
  });

  it("respects another process's Retry-After cooldown", async () => {
    const one = new ProviderStates(a, config.redis.prefix, [KEY], options);
    const two = new ProviderStates(b, config.redis.prefix, [KEY], options);
    await Promise.all([one.whenReady(), two.whenReady()]);
    expect(two.availability(KEY)).toEqual({ usable: true, halfOpen: false });

    await one.recordFailure(KEY, false, 2);
    await two.refresh();
    const seen = two.availability(KEY);
    expect(seen).toMatchObject({ usable: false, reason: 'rate limited: Retry-After 2s' });
    expect(seen.usable === false && seen.until).toBeGreaterThan(Date.now() + 1_000);
    expect(two.view(KEY)).toMatchObject({ state: 'closed', reason: 'rate limited: Retry-After 2s' });
    one.close();
    two.close();
  });

  it('opens the breaker after repeated failures, then lets exactly one half-open probe through', async () => {
    const one = new ProviderStates(a, config.redis.prefix, [KEY], options);
    const two = new ProviderStates(b, config.redis.prefix, [KEY], options);
    for (let i = 0; i < options.failures; i++) await one.recordFailure(KEY, false);
    await two.refresh();
    expect(two.availability(KEY)).toMatchObject({ usable: false, reason: 'circuit open: 3 failures within 10s' });
    expect(two.view(KEY).state).toBe('open');

    await new Promise((r) => setTimeout(r, options.cooldownMs + 50));
    await Promise.all([one.refresh(), two.refresh()]);
    expect(two.view(KEY).state).toBe('half-open');
    expect(two.availability(KEY)).toEqual({ usable: true, halfOpen: true });
    const [first, second] = await Promise.all([one.claimProbe(KEY), two.claimProbe(KEY)]);
    expect([first, second].sort()).toEqual([false, true]);

    const prober = first ? one : two;
    await prober.recordSuccess(KEY, true);
    await Promise.all([one.refresh(), two.refresh()]);
    expect(one.availability(KEY)).toEqual({ usable: true, halfOpen: false });
    expect(two.view(KEY).state).toBe('closed');
    one.close();
    two.close();
  });

  it('reopens the breaker when the probe fails', async () => {
    const one = new ProviderStates(a, config.redis.prefix, [KEY], options);
    for (let i = 0; i < options.failures; i++) await one.recordFailure(KEY, false);
    await new Promise((r) => setTimeout(r, options.cooldownMs + 50));
    await one.refresh();
    expect(one.availability(KEY)).toEqual({ usable: true, halfOpen: true });
    expect(await one.claimProbe(KEY)).toBe(true);
    await one.recordFailure(KEY, true);
    expect(one.availability(KEY)).toMatchObject({ usable: false, reason: 'circuit open: the half-open probe failed' });
    // The failed probe's claim went with it: the next half-open period can probe at once.
    await new Promise((r) => setTimeout(r, options.cooldownMs + 50));
    await one.refresh();
    expect(await one.claimProbe(KEY)).toBe(true);
    one.close();
  });

  it('holds a concurrency limit across processes under a burst', async () => {
    const limits = { alpha: { maxConcurrency: 3 } };
    const limiters = [new ProviderLimiter(a, config.redis.prefix, limits, 10_000), new ProviderLimiter(b, config.redis.prefix, limits, 10_000)];
    let inFlight = 0;
    let peak = 0;
    let refused = 0;
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const permit = await limiters[i % 2]!.acquire('alpha');
        if (!permit.granted) {
          refused++;
          return;
        }
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        await permit.release();
      }),
    );
    expect(peak).toBeLessThanOrEqual(3);
    expect(refused).toBeGreaterThan(0);
    expect((await limiters[0]!.acquire('alpha')).granted).toBe(true);
  });

  it('holds a rate limit across processes and says when capacity returns', async () => {
    const limits = { alpha: { requestsPerSecond: 5 } };
    const limiters = [new ProviderLimiter(a, config.redis.prefix, limits, 10_000), new ProviderLimiter(b, config.redis.prefix, limits, 10_000)];
    const permits = await Promise.all(Array.from({ length: 12 }, (_, i) => limiters[i % 2]!.acquire('alpha')));
    expect(permits.filter((p) => p.granted)).toHaveLength(5);
    const refusal = permits.find((p) => !p.granted);
    expect(refusal).toMatchObject({ granted: false, reason: 'at its limit of 5 requests/s' });
    expect(refusal && !refusal.granted && refusal.retryAt).toBeLessThanOrEqual(Date.now() + 1_000);
    expect(await limiters[0]!.acquire('beta')).toMatchObject({ granted: true });
  });
});
