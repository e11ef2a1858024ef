import type { JobType } from '@voxq/contracts';
import { redisKeys } from '@voxq/redis-keys';

/**
 * Queue names as stored in Redis. Stored names: never rename one, or queued work is
 * orphaned on upgrade.
 */
export const QUEUE_NAMES = {
  transcribe: 'transcribe',
  synthesize: 'synthesize',
  complete: 'complete',
  embed: 'embed',
  image: 'image',
  /** Webhook deliveries, consumed by the dispatcher. */
  webhooks: 'webhooks',
  /** Webhook-mode tool calls of `complete` jobs, consumed by the dispatcher. */
  tools: 'tools',
  /** Batches' own steps (validate, expand, watch, finalize) and their files' expiry, run by the worker. */
  batches: 'batches',
} as const satisfies Record<JobType | 'webhooks' | 'tools' | 'batches', string>;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/**
 * BullMQ's key prefix, below voxq's own. Keys become `<prefix>:q:<queue>:…`, apart from
 * voxq's records (`<prefix>:job:…`). With a hash tag prefix (`{voxq}`) every key lands in
 * one Redis Cluster slot, as BullMQ requires.
 */
export const bullPrefix = (redisPrefix: string) => redisKeys(redisPrefix).bull.prefix();
