import type { BackoffStrategy } from 'bullmq';

/** Statuses whose `Retry-After` is honoured: the receiver says when it can take the event. */
export const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Share of a scheduled delay drawn at random (±), so receivers back from an outage are not hit all at once. */
export const SCHEDULE_JITTER = 0.1;

/**
 * A failed attempt that will be retried, carrying the delay the processor already chose
 * (schedule, jitter and `Retry-After`), so the delivery record's `nextAttemptAt` and
 * BullMQ's actual delay are the same number.
 */
export class WebhookRetryError extends Error {
  override readonly name = 'WebhookRetryError';
  constructor(
    message: string,
    readonly retryDelayMs: number,
  ) {
    super(message);
  }
}

/**
 * The delay before attempt `attemptsMade + 1` (so the delay after the `attemptsMade`-th
 * failure), with jitter. Past the schedule's end the last entry repeats.
 */
export function scheduledDelayMs(schedule: readonly number[], attemptsMade: number, random = Math.random): number {
  const base = schedule[Math.min(attemptsMade, schedule.length - 1)] ?? 0;
  return Math.round(base * (1 - SCHEDULE_JITTER + 2 * SCHEDULE_JITTER * random()));
}

/**
 * The next delay: the schedule's, lengthened to the receiver's `Retry-After` (capped at
 * `retryAfterMaxMs`, so a receiver cannot park a delivery for days).
 */
export function nextRetryDelayMs(
  schedule: readonly number[],
  attemptsMade: number,
  retryAfterMs: number | null,
  retryAfterMaxMs: number,
  random = Math.random,
): number {
  const scheduled = scheduledDelayMs(schedule, attemptsMade, random);
  // No Retry-After counts as 0: the schedule's delay stands.
  return Math.max(scheduled, Math.min(retryAfterMs ?? 0, retryAfterMaxMs));
}

/** `Retry-After` in ms: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * The dispatcher Worker's `settings.backoffStrategy`. BullMQ calls it after a failed attempt
 * that has attempts left; the delay is the one the processor put on its `WebhookRetryError`,
 * or the schedule's for anything else thrown (Redis away mid-attempt, say).
 */
export function createWebhookBackoffStrategy(schedule: readonly number[]): BackoffStrategy {
  return (attemptsMade, _type, error) => (error instanceof WebhookRetryError ? error.retryDelayMs : scheduledDelayMs(schedule, attemptsMade));
}
