import { RateLimiterRes } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { BURST_WINDOW_SECONDS, decisionOf, effectiveRateLimit } from './rate-limit';

const defaults = { perSecond: 50, burst: 100 };

describe('effectiveRateLimit', () => {
  it('is the default for a key without its own', () => {
    expect(effectiveRateLimit(defaults, undefined)).toEqual(defaults);
  });

  it("is the key's own, with the default burst unless it sets one", () => {
    expect(effectiveRateLimit(defaults, { perSecond: 5 })).toEqual({ perSecond: 5, burst: 100 });
    expect(effectiveRateLimit(defaults, { perSecond: 5, burst: 0 })).toEqual({ perSecond: 5, burst: 0 });
    expect(effectiveRateLimit(defaults, { perSecond: 0 })).toEqual({ perSecond: 0, burst: 100 });
  });
});

describe('decisionOf', () => {
  const limit = { perSecond: 10, burst: 0 };

  it('reports the limit, what is left and whole seconds to the reset', () => {
    expect(decisionOf(limit, new RateLimiterRes(7, 250, 3), true)).toEqual({ allowed: true, limit: 10, remaining: 7, resetSeconds: 1 });
    expect(decisionOf(limit, new RateLimiterRes(0, 1_001, 12), false)).toEqual({ allowed: false, limit: 10, remaining: 0, resetSeconds: 2 });
  });

  it('never says 0 seconds, so Retry-After is at least 1', () => {
    expect(decisionOf(limit, new RateLimiterRes(0, 0, 11), false).resetSeconds).toBe(1);
  });
});

describe('decisionOf bounds', () => {
  it('never reports more left than the rate, nor less than none', () => {
    const limit = { perSecond: 10, burst: 5 };
    expect(decisionOf(limit, new RateLimiterRes(15, 500, 0), true).remaining).toBe(10);
    expect(decisionOf(limit, new RateLimiterRes(-3, 500, 13), false).remaining).toBe(0);
  });

  it('rounds the reset up to whole seconds', () => {
    const limit = { perSecond: 10, burst: 0 };
    expect(decisionOf(limit, new RateLimiterRes(0, 1_000, 10), false).resetSeconds).toBe(1);
    expect(decisionOf(limit, new RateLimiterRes(0, 9_001, 10), false).resetSeconds).toBe(10);
  });

  it('refills a burst over ten seconds', () => {
    expect(BURST_WINDOW_SECONDS).toBe(10);
  });
});
