import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWebhookBackoffStrategy, nextRetryDelayMs, parseRetryAfter, RETRY_AFTER_STATUSES, scheduledDelayMs, WebhookRetryError } from './schedule';

const SVIX = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
const mid = () => 0.5;

describe('scheduledDelayMs', () => {
  it('follows the schedule: the delay after the n-th failure is entry n', () => {
    expect([1, 2, 3, 7].map((n) => scheduledDelayMs(SVIX, n, mid))).toEqual([5_000, 300_000, 1_800_000, 36_000_000]);
  });

  it('jitters by at most 10% either way, and never delays an immediate attempt', () => {
    expect(scheduledDelayMs(SVIX, 1, () => 0)).toBe(4_500);
    expect(scheduledDelayMs(SVIX, 1, () => 1)).toBe(5_500);
    expect(scheduledDelayMs(SVIX, 0, () => 1)).toBe(0);
  });

  it('repeats the last entry past the end', () => {
    expect(scheduledDelayMs([0, 50], 9, mid)).toBe(50);
  });
});

describe('nextRetryDelayMs', () => {
  it("waits for the receiver's Retry-After when it is longer than the schedule", () => {
    expect(nextRetryDelayMs([0, 50, 50], 1, 2_000, 3_600_000, mid)).toBe(2_000);
    expect(nextRetryDelayMs(SVIX, 2, 2_000, 3_600_000, mid)).toBe(300_000);
  });

  it('caps Retry-After', () => {
    expect(nextRetryDelayMs([0, 50], 1, 86_400_000, 3_600_000, mid)).toBe(3_600_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe('createWebhookBackoffStrategy', () => {
  it("uses the delay the processor chose, else the schedule's", async () => {
    const strategy = createWebhookBackoffStrategy([0, 1_000]);
    expect(await strategy(1, 'webhook-schedule', new WebhookRetryError('receiver answered 503', 7_000))).toBe(7_000);
    const fallback = await strategy(1, 'webhook-schedule', new Error('Connection is closed.'));
    expect(fallback).toBeGreaterThanOrEqual(900);
    expect(fallback).toBeLessThanOrEqual(1_100);
  });
});

describe('Retry-After as receivers send it', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it.each([
    [' 120 ', 120_000],
    ['0', 0],
    ['7', 7_000],
    ['86400', 86_400_000],
  ])('reads delta-seconds %j', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it.each(['120abc', 'abc120', 'soon', '', '   ', null])('ignores %j rather than guessing', (value) => {
    expect(parseRetryAfter(value, now)).toBeNull();
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:00 GMT', now)).toBe(0);
  });
});

describe('RETRY_AFTER_STATUSES', () => {
  it("honours the receiver's Retry-After on 429 and on a 502, 503 or 504 only", () => {
    expect([...RETRY_AFTER_STATUSES].sort()).toEqual([429, 502, 503, 504]);
  });
});

describe('WebhookRetryError', () => {
  it('carries the delay it was given, under its own name', () => {
    const error = new WebhookRetryError('receiver answered 503', 1_234);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'WebhookRetryError', message: 'receiver answered 503', retryDelayMs: 1_234 });
  });
});

describe('schedule properties', () => {
  const schedule = fc.array(fc.integer({ min: 0, max: 86_400_000 }), { minLength: 1, maxLength: 10 });
  const random = fc.double({ min: 0, max: 1, noNaN: true });

  it('stays within 10% of the entry for the attempt, the last entry past the end', () => {
    fc.assert(
      fc.property(schedule, fc.nat({ max: 20 }), random, (entries, attemptsMade, r) => {
        const base = entries[Math.min(attemptsMade, entries.length - 1)] as number;
        const delay = scheduledDelayMs(entries, attemptsMade, () => r);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(base * 0.9));
        expect(delay).toBeLessThanOrEqual(Math.ceil(base * 1.1));
      }),
    );
  });

  it('never retries sooner than the schedule nor later than the cap allows, whatever Retry-After says', () => {
    fc.assert(
      fc.property(
        schedule,
        fc.nat({ max: 20 }),
        fc.option(fc.nat({ max: 10 * 86_400_000 })),
        fc.nat({ max: 86_400_000 }),
        random,
        (entries, n, retryAfter, cap, r) => {
          const scheduled = scheduledDelayMs(entries, n, () => r);
          const delay = nextRetryDelayMs(entries, n, retryAfter, cap, () => r);
          expect(delay).toBeGreaterThanOrEqual(scheduled);
          expect(delay).toBe(retryAfter === null ? scheduled : Math.max(scheduled, Math.min(retryAfter, cap)));
          expect(delay).toBeLessThanOrEqual(Math.max(scheduled, cap));
        },
      ),
    );
  });
});
