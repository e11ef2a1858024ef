export { batchJobOptions, defaultJobOptions, toolJobOptions, webhookJobOptions } from './job-options';
export { bullPrefix, QUEUE_NAMES } from './queue-names';
export type { QueueName } from './queue-names';
export { Queues } from './queues';
export { createCommandConnection, createRedisConnection } from './redis-connection';
export { cancelChannel, publishCancel, subscribeCancels } from './cancel-channel';
