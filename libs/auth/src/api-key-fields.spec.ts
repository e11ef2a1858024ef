import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertRateLimit, hashApiKey, newApiKey, RATE_FIELDS, rateFields, rateLimitOf, TENANT_ID_PATTERN } from './api-key-fields';

describe('newApiKey', () => {
  it('is vq_ and 256 random bits in base64url, never the same twice', () => {
    const keys = Array.from({ length: 20 }, newApiKey);
    for (const key of keys) {
      expect(key).toMatch(/^vq_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
    }
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('hashApiKey', () => {
  it('is the hex SHA-256 of the key, so a stored hash finds the key and nothing else', () => {
    expect(hashApiKey('vq_test')).toBe(createHash('sha256').update('vq_test').digest('hex'));
    expect(hashApiKey('vq_test')).toMatch(/^[0-9a-f]{64}$/);
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => (hashApiKey(a) === hashApiKey(b)) === (a === b)));
  });
});

describe('TENANT_ID_PATTERN', () => {
  it.each(['a', '0', 'acme', 'a-b_c', 'a'.repeat(63)])('accepts %j', (id) => {
    expect(TENANT_ID_PATTERN.test(id)).toBe(true);
  });

  it.each(['', 'A', '-a', '_a', 'a'.repeat(64), 'a.b', 'a/b', 'a:b', 'a b', 'a\n'])('refuses %j', (id) => {
    expect(TENANT_ID_PATTERN.test(id)).toBe(false);
  });
});

describe('a key rate limit in its hash fields', () => {
  it('writes only the fields it has', () => {
    expect(RATE_FIELDS).toEqual(['rateLimitPerSecond', 'rateLimitBurst']);
    expect(rateFields(undefined)).toEqual({});
    expect(rateFields({ perSecond: 5 })).toEqual({ rateLimitPerSecond: '5' });
    expect(rateFields({ perSecond: 0, burst: 0 })).toEqual({ rateLimitPerSecond: '0', rateLimitBurst: '0' });
  });

  it('reads absent or empty fields as no limit of its own, and no burst of its own', () => {
    for (const absent of [null, undefined, '']) expect(rateLimitOf(absent, '9')).toBeUndefined();
    expect(rateLimitOf('5', null)).toEqual({ perSecond: 5 });
    expect(rateLimitOf('5', undefined)).toEqual({ perSecond: 5 });
    expect(rateLimitOf('5', '')).toEqual({ perSecond: 5 });
    expect(rateLimitOf('0', '0')).toEqual({ perSecond: 0, burst: 0 });
  });

  it('reads back what it wrote', () => {
    const limit = fc.record({ perSecond: fc.nat(), burst: fc.option(fc.nat(), { nil: undefined }) }, { requiredKeys: ['perSecond'] });
    fc.assert(
      fc.property(limit, (written) => {
        const fields = rateFields(written);
        expect(rateLimitOf(fields['rateLimitPerSecond'], fields['rateLimitBurst'])).toEqual(written);
      }),
    );
  });
});

describe('assertRateLimit', () => {
  it.each([undefined, { perSecond: 0 }, { perSecond: 5, burst: 0 }, { perSecond: Number.MAX_SAFE_INTEGER, burst: 10 }])('accepts %j', (limit) => {
    expect(() => assertRateLimit(limit)).not.toThrow();
  });

  it.each([
    [{ perSecond: -1 }, "Invalid rate limit '-1': use a whole number, 0 or more."],
    [{ perSecond: 1.5 }, "Invalid rate limit '1.5': use a whole number, 0 or more."],
    [{ perSecond: Number.NaN }, "Invalid rate limit 'NaN': use a whole number, 0 or more."],
    [{ perSecond: 2 ** 53 }, `Invalid rate limit '${2 ** 53}': use a whole number, 0 or more.`],
    [{ perSecond: 5, burst: -1 }, "Invalid burst '-1': use a whole number, 0 or more."],
    [{ perSecond: 5, burst: 0.5 }, "Invalid burst '0.5': use a whole number, 0 or more."],
  ])('refuses %j', (limit, message) => {
    expect(() => assertRateLimit(limit)).toThrow(message);
  });
});
