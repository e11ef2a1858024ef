import { randomUUID } from 'node:crypto';
import type { RedisClient } from '@voxq/redis-keys';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { ProviderLimits } from '@voxq/config';
import { defineScripts, redisKeys, type RedisKeys } from '@voxq/redis-keys';
import acquireLua from './scripts/lease-acquire.lua';

export type Permit = { granted: true; release(): Promise<void> } | { granted: false; retryAt: number; reason: string };

interface LimitScripts {
  voxqAcquireLease(leases: string, token: string, now: number, expiresAt: number, max: number): Promise<number>;
}

const granted: Permit = { granted: true, release: async () => undefined };

/**
 * Per-provider limits that hold across every worker process: requests per second
 * (`rate-limiter-flexible`'s Redis limiter) and requests in flight (a lease semaphore).
 * A provider at its limit is skipped for this attempt; if every candidate is, the job waits
 * in the queue (delayed) instead of failing with the provider's 429s.
 */
export class ProviderLimiter {
  private readonly rates = new Map<string, RateLimiterRedis>();
  private readonly redis: RedisClient & LimitScripts;
  private readonly keys: RedisKeys['providers'];

  constructor(
    redis: RedisClient,
    prefix: string,
    private readonly limits: Readonly<Record<string, ProviderLimits | undefined>>,
    /** A lease outlives the longest call (the provider timeout) by a margin. */
    private readonly leaseMs: number,
  ) {
    this.redis = defineScripts<LimitScripts>(redis, { voxqAcquireLease: { keys: 1, lua: acquireLua } });
    this.keys = redisKeys(prefix).providers;
    for (const [name, limit] of Object.entries(limits)) {
      const rps = limit?.requestsPerSecond;
      if (!rps) continue;
      // Whole points per whole seconds: 0.5/s becomes 1 per 2 s.
      const [points, duration] = rps >= 1 ? [Math.floor(rps), 1] : [1, Math.ceil(1 / rps)];
      this.rates.set(name, new RateLimiterRedis({ storeClient: redis, keyPrefix: this.keys.rateLimit(), points, duration }));
    }
  }

  limitsOf(provider: string): ProviderLimits | null {
    return this.limits[provider] ?? null;
  }

  /** Takes one request's worth of a provider's limits, or says when to come back. */
  async acquire(provider: string, now = Date.now()): Promise<Permit> {
    const limit = this.limits[provider];
    if (!limit?.requestsPerSecond && !limit?.maxConcurrency) return granted;

    let release: () => Promise<void> = async () => undefined;
    if (limit.maxConcurrency) {
      const key = this.keys.leases(provider);
      const token = randomUUID();
      const answer = await this.redis.voxqAcquireLease(key, token, now, now + this.leaseMs, limit.maxConcurrency);
      if (answer !== 1) {
        // A lease usually ends long before it would expire: come back soon, spread out.
        const retryAt = Math.min(-answer, now + 100 + Math.floor(Math.random() * 200));
        return { granted: false, retryAt, reason: `at its limit of ${limit.maxConcurrency} requests in flight` };
      }
      release = async () => void (await this.redis.zrem(key, token));
    }
    const rate = this.rates.get(provider);
    if (rate) {
      try {
        await rate.consume(provider);
      } catch (rejection) {
        await release();
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return { granted: false, retryAt: now + Math.max(rejection.msBeforeNext, 10), reason: `at its limit of ${limit.requestsPerSecond} requests/s` };
      }
    }
    return { granted: true, release };
  }
}
