import { describe, expect, it } from 'vitest';
import { createWebhookBackoffStrategy, nextRetryDelayMs, parseRetryAfter, scheduledDelayMs, WebhookRetryError } from './schedule';

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
