import type { RedisClient } from '@voxq/redis-keys';
import { BurstyRateLimiter, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { redisKeys, type RedisKeys } from '@voxq/redis-keys';
import type { Principal } from './api-keys';
import { BURST_WINDOW_SECONDS, decisionOf, effectiveRateLimit, type RateLimit, type RateLimitDecision } from './rate-limit';

type Limiter = RateLimiterRedis | BurstyRateLimiter;

/**
 * Per-API-key request limits held in RedisClient, so every API replica counts against the same
 * budget: `perSecond` requests in each one-second window, and when those run out up to
 * `burst` more per {@link BURST_WINDOW_SECONDS} (`rate-limiter-flexible`'s bursty limiter).
 * Fixed windows: at a window's edge a key may briefly see up to twice its rate.
 */
export class ApiRateLimiter {
  /** One limiter per distinct (rate, burst): the default and each distinct per-key override. */
  private readonly limiters = new Map<string, Limiter>();
  private readonly keys: RedisKeys['auth'];

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly defaults: RateLimit,
  ) {
    this.keys = redisKeys(prefix).auth;
    // rate-limiter-flexible defines its Lua command on the connection when a limiter is made.
    // Made at a first request, that can land while the API connection's auto-pipelining holds
    // a pipeline made before it: the command fails there, and the pipeline's reply then throws
    // out of ioredis and kills the process (ioredis#1931). One made now defines it up front.
    void new RateLimiterRedis({ storeClient: redis, points: 1, duration: 1 });
  }

  limitOf(principal: Principal): RateLimit {
    return effectiveRateLimit(this.defaults, principal.rateLimit);
  }

  /** Counts one request of the principal's key; null when the key is unlimited. */
  async consume(principal: Principal): Promise<RateLimitDecision | null> {
    const limit = this.limitOf(principal);
    if (limit.perSecond === 0) return null;
    try {
      return decisionOf(limit, await this.limiterFor(limit).consume(principal.keyId), true);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return decisionOf(limit, rejection, false);
    }
  }

  private limiterFor(limit: RateLimit): Limiter {
    const id = `${limit.perSecond}:${limit.burst}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      // Counters are per key whatever its limit, so changing a key's limit keeps its current count.
      const rate = new RateLimiterRedis({ storeClient: this.redis, keyPrefix: this.keys.apiKeyRateLimit(), points: limit.perSecond, duration: 1 });
      limiter =
        limit.burst === 0
          ? rate
          : new BurstyRateLimiter(
              rate,
              new RateLimiterRedis({ storeClient: this.redis, keyPrefix: this.keys.apiKeyBurstLimit(), points: limit.burst, duration: BURST_WINDOW_SECONDS }),
            );
      // Overrides are few (set by an operator); the bound only guards against surprises.
      if (this.limiters.size >= 1_000) this.limiters.clear();
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}
