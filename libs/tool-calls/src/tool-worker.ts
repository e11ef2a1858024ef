import { Worker } from 'bullmq';
import type { Config } from '@voxq/config';
import type { Logger } from '@voxq/logging';
import { bullPrefix, createRedisConnection, QUEUE_NAMES } from '@voxq/queues';
import { createToolCallProcessor, type SecretLookup } from './tool-call-processor';

/** The dispatcher's worker for webhook-mode tool calls; parallel calls run concurrently. */
export function startToolWorker(options: { config: Config; logger: Logger; secretFor: SecretLookup }): { close(): Promise<void> } {
  const { config, logger } = options;
  const worker = new Worker(QUEUE_NAMES.tools, createToolCallProcessor(options), {
    connection: createRedisConnection(config.redis.url),
    prefix: bullPrefix(config.redis.prefix),
    concurrency: config.webhooks.concurrency,
  });
  worker.on('error', (error) => logger.error({ err: error }, 'tool worker error'));
  return { close: () => worker.close() };
}
