export { batchJobOptions, defaultJobOptions, toolJobOptions, webhookJobOptions } from './job-options';
export { bullPrefix, QUEUE_NAMES } from './queue-names';
export type { QueueName } from './queue-names';
export { QUEUE_CATALOG } from './queue-catalog';
export type { CatalogQueue, JobNameOf, PayloadInputOf, PayloadOf, QueueEntry, QueueKey } from './queue-catalog';
export { batchStepSchema, fileExpirySchema, queuedJobSchema, toolCallJobSchema, webhookDeliverySchema } from './queue-payloads.schema';
export type { BatchStep, FileExpiry, QueuedJob, ToolCallJob, WebhookDelivery } from './queue-payloads.schema';
export { enqueue, enqueueMany } from './enqueue';
export type { EnqueueOptions, EnqueueRequest } from './enqueue';
export { catalogProcessor, describeIssues, parseQueuedJob, startQueueWorker } from './queue-worker';
export type { CatalogHandler, CatalogJob, QueueWorkerOptions } from './queue-worker';
export { InvalidJobDataError } from './invalid-job-data-error';
export { isSharded, Queues, shardConcurrency } from './queues';
export type { BaseQueueKey, ShardedQueueKey } from './queues';
// Made in @voxq/process (the startup check opens one too); here for the stores and queues that use them.
export { createCommandConnection, createRedisConnection, type RedisTarget } from '@voxq/process';
export { publishCancel, subscribeCancels } from './cancel-channel';
