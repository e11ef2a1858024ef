import type { RedisClient } from '@voxq/redis-keys';
import { BurstyRateLimiter, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { redisKeys, type RedisKeys } from '@voxq/redis-keys';
import type { KeyRateLimit, Principal } from './api-keys';

/** The window a key's burst allowance refills over: the burst adds at most `burst / 10` requests/s on average. */
export const BURST_WINDOW_SECONDS = 10;

/** The limit in force for one key: requests per second, and extra requests per burst window. */
export interface RateLimit {
  /** 0 = unlimited. */
  perSecond: number;
  /** 0 = no burst. */
  burst: number;
}

/** What one request's check found; `X-RateLimit-*` headers are made from it. */
export interface RateLimitDecision {
  allowed: boolean;
  /** Requests per second the key may make (`X-RateLimit-Limit`). */
  limit: number;
  /** Requests left in the current one-second window, burst not counted (`X-RateLimit-Remaining`). */
  remaining: number;
  /** Whole seconds until the window resets, at least 1 (`X-RateLimit-Reset`; `Retry-After` when refused). */
  resetSeconds: number;
}

/** A key's own limit, else the default; a key's own limit without a burst takes the default burst. */
export function effectiveRateLimit(defaults: RateLimit, own: KeyRateLimit | undefined): RateLimit {
  if (!own) return defaults;
  return { perSecond: own.perSecond, burst: own.burst ?? defaults.burst };
}

/** `rate-limiter-flexible`'s answer as a decision; a bursty refusal reports the earlier of the two resets. */
export function decisionOf(limit: RateLimit, res: RateLimiterRes, allowed: boolean): RateLimitDecision {
  return {
    allowed,
    limit: limit.perSecond,
    remaining: Math.max(0, Math.min(limit.perSecond, res.remainingPoints)),
    resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  };
}

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
