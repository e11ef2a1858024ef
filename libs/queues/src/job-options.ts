import type { DefaultJobOptions } from 'bullmq';
import type { Config } from '@voxq/config';

/**
 * Defaults for every voxq job: retries with exponential backoff and jitter (BullMQ's own),
 * and retention. voxq keeps its own job record for clients, so BullMQ's copy is trimmed by
 * age and count to keep Redis memory bounded.
 */
export function defaultJobOptions(config: Config): DefaultJobOptions {
  return {
    attempts: config.jobs.attempts,
    backoff: { type: 'exponential', delay: config.jobs.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: config.jobs.retentionSeconds, count: 100_000 },
  };
}

/** Webhook deliveries retry longer than jobs: a receiver may be down for hours. */
export function webhookJobOptions(config: Config): DefaultJobOptions {
  return {
    attempts: config.webhooks.attempts,
    backoff: { type: 'exponential', delay: config.webhooks.backoffMs, jitter: 0.2 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: config.jobs.retentionSeconds },
  };
}
