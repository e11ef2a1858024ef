import type { DefaultJobOptions } from 'bullmq';
import type { Config } from '@voxq/config';

/**
 * Defaults for every voxq job: retries with exponential backoff and jitter (BullMQ's own),
 * and retention. voxq keeps its own job record for clients, so BullMQ's copy of a completed
 * job is deleted when it completes: keeping it (by age and count, as before) cost five Redis
 * commands a job (the completed set and its trimming) for a copy nobody reads. A job id
 * added again later is stopped by its record (the worker finds it terminal), not by BullMQ.
 * Failed ones are kept for operators (bull-board, `/admin`'s recent failures): as long as
 * records without a history tier, an hour with one (`failedCopySeconds`).
 */
export function defaultJobOptions(config: Config): DefaultJobOptions {
  return {
    attempts: config.jobs.attempts,
    backoff: { type: 'exponential', delay: config.jobs.backoffMs, jitter: 0.5 },
    removeOnComplete: true,
    removeOnFail: { age: failedCopySeconds(config), count: 100_000 },
  };
}

/**
 * How long BullMQ keeps its copy of a failed job (or dead-lettered delivery). With a history
 * tier, finished work leaves Redis (issue 19): voxq's record, with its error, moves to Postgres,
 * so BullMQ's copy stays only an hour, for an operator looking at recent failures. Without one,
 * as long as the records (`JOB_RETENTION_SECONDS`).
 */
export function failedCopySeconds(config: Config): number {
  return config.postgres.url ? Math.min(3600, config.jobs.retentionSeconds) : config.jobs.retentionSeconds;
}

/**
 * The custom backoff of webhook deliveries: the dispatcher's Worker computes each delay from
 * `WEBHOOK_RETRY_SCHEDULE` and the receiver's `Retry-After` (a Worker without the strategy
 * cannot retry these jobs, so only the dispatcher may serve the queue).
 */
export const WEBHOOK_BACKOFF_TYPE = 'webhook-schedule';

/**
 * Webhook deliveries retry longer than jobs: a receiver may be down for hours. One attempt
 * per entry of the retry schedule; the first entry delays the first attempt. Failed ones
 * are kept as `failedCopySeconds` says; the delivery record keeps the outcome either way.
 */
export function webhookJobOptions(config: Config): DefaultJobOptions {
  const [first = 0] = config.webhooks.retryScheduleMs;
  return {
    attempts: config.webhooks.retryScheduleMs.length,
    backoff: { type: WEBHOOK_BACKOFF_TYPE },
    ...(first > 0 ? { delay: first } : {}),
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: failedCopySeconds(config) },
  };
}

/**
 * A tool call runs once: a timeout or an error becomes an error result the model sees, not
 * a retry. It is kept after it completes, so a parent job that resumes after a crash finds
 * its result instead of calling the tool again.
 */
export function toolJobOptions(config: Config): DefaultJobOptions {
  return {
    attempts: 1,
    removeOnComplete: { age: config.jobs.retentionSeconds },
    removeOnFail: { age: config.jobs.retentionSeconds },
  };
}

/**
 * A batch's steps are idempotent (lines are submitted under per-line idempotency keys, files
 * get ids derived from the batch), so a step that failed on a passing fault (S3, Redis) is
 * simply run again, for longer than a job: the batch has hours to finish.
 */
export function batchJobOptions(config: Config): DefaultJobOptions {
  return {
    attempts: 20,
    backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: config.jobs.retentionSeconds },
  };
}
