import { describe, expect, it, vi } from 'vitest';
import { isNameNotFound, LOOKUP_LIMIT_MS, withinLookupLimit } from './url-guard';

describe('withinLookupLimit: a stalled resolver does not hold a request', () => {
  it('answers what the lookup answers in time', async () => {
    await expect(withinLookupLimit(Promise.resolve(['203.0.113.7']), 'example.test', 50)).resolves.toEqual(['203.0.113.7']);
  });

  it('leaves no timer behind once the lookup answered', async () => {
    vi.useFakeTimers();
    try {
      await withinLookupLimit(Promise.resolve([]), 'example.test');
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("passes the lookup's own failure on", async () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
    await expect(withinLookupLimit(Promise.reject(notFound), 'nowhere.test', 50)).rejects.toBe(notFound);
  });

  it('gives up past its limit with ETIMEOUT, naming the host and the limit, which is no "name not found"', async () => {
    const stalled = new Promise<never>(() => undefined);
    const error = await withinLookupLimit(stalled, 'slow.test', 20).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ETIMEOUT', message: 'DNS lookup of slow.test took over 20 ms' });
    expect(isNameNotFound(error)).toBe(false);
  });

  it('waits 3 s by default', () => {
    expect(LOOKUP_LIMIT_MS).toBe(3_000);
  });
});
