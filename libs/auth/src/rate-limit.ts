// Turning rate-limiter-flexible's answers into the decision the API's headers report: kept
// apart from the Redis-backed `ApiRateLimiter` so it is unit-tested (and mutation-tested).

import type { RateLimiterRes } from 'rate-limiter-flexible';
import type { KeyRateLimit } from './api-key-fields';

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
