import type { DefaultJobOptions } from 'bullmq';
import type { z } from 'zod';
import type { Config } from '@voxq/config';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@voxq/contracts';
import { batchJobOptions, defaultJobOptions, toolJobOptions, webhookJobOptions } from './job-options';
import { QUEUE_NAMES, type QueueName } from './queue-names';
import { batchStepSchema, fileExpirySchema, queuedJobSchema, toolCallJobSchema, webhookDeliverySchema } from './queue-payloads.schema';

/**
 * One queue: its stored name, the schema of each job name's payload, and the default
 * options its jobs are added with. Producers (`enqueue`) and the worker
 * (`startQueueWorker`) are typed from it, so a job name or payload that does not fit does
 * not compile, and data read back from Redis is parsed with the same schema.
 */
export interface QueueEntry<Jobs extends Record<string, z.ZodType> = Record<string, z.ZodType>> {
  /** Stored name (see `QUEUE_NAMES`): never rename. */
  name: QueueName;
  /** Payload schema per job name. A job with any other name fails unrecoverably. */
  jobs: Jobs;
  /** Options every job of the queue gets unless `enqueue` overrides them (`job-options.ts`). */
  defaults(config: Config): DefaultJobOptions;
}

export type JobNameOf<Q extends QueueEntry> = keyof Q['jobs'] & string;
/** A job's payload as the handler sees it (parsed). */
export type PayloadOf<Q extends QueueEntry, N extends JobNameOf<Q> = JobNameOf<Q>> = z.output<Q['jobs'][N]>;
/** A job's payload as a producer writes it (before schema defaults). */
export type PayloadInputOf<Q extends QueueEntry, N extends JobNameOf<Q>> = z.input<Q['jobs'][N]>;

function defineQueue<Jobs extends Record<string, z.ZodType>>(entry: QueueEntry<Jobs>): QueueEntry<Jobs> {
  return entry;
}

/** Every webhook delivery job is named after its event's type; all carry one delivery. */
const webhookJobs = Object.fromEntries(WEBHOOK_EVENT_TYPES.map((type) => [type, webhookDeliverySchema])) as Record<
  WebhookEventType,
  typeof webhookDeliverySchema
>;

/**
 * Every queue voxq runs, in one list. Adding a queue is an entry here (and its name in
 * `QUEUE_NAMES`); adding a job to a queue is a line in its `jobs`.
 */
export const QUEUE_CATALOG = {
  transcribe: defineQueue({ name: QUEUE_NAMES.transcribe, jobs: { transcribe: queuedJobSchema }, defaults: defaultJobOptions }),
  synthesize: defineQueue({ name: QUEUE_NAMES.synthesize, jobs: { synthesize: queuedJobSchema }, defaults: defaultJobOptions }),
  complete: defineQueue({ name: QUEUE_NAMES.complete, jobs: { complete: queuedJobSchema }, defaults: defaultJobOptions }),
  embed: defineQueue({ name: QUEUE_NAMES.embed, jobs: { embed: queuedJobSchema }, defaults: defaultJobOptions }),
  image: defineQueue({ name: QUEUE_NAMES.image, jobs: { image: queuedJobSchema }, defaults: defaultJobOptions }),
  /** Webhook deliveries: only the dispatcher may serve it (its Worker holds the backoff strategy). */
  webhooks: defineQueue({ name: QUEUE_NAMES.webhooks, jobs: webhookJobs, defaults: webhookJobOptions }),
  /** Webhook-mode tool calls, children of the `complete` job that made them; run by the dispatcher. */
  tools: defineQueue({ name: QUEUE_NAMES.tools, jobs: { 'tool-call': toolCallJobSchema }, defaults: toolJobOptions }),
  /** A batch's `run` step and its input files' expiry, run by the worker app's batch runner. */
  batches: defineQueue({ name: QUEUE_NAMES.batches, jobs: { run: batchStepSchema, 'expire-file': fileExpirySchema }, defaults: batchJobOptions }),
} as const;

export type QueueKey = keyof typeof QUEUE_CATALOG;
export type CatalogQueue<K extends QueueKey> = (typeof QUEUE_CATALOG)[K];
