import type { Config } from '@voxq/config';
import type { Logger } from '@voxq/logging';
import { drainWorker, logQueueError } from '@voxq/process';
import { bullPrefix, QUEUE_CATALOG, startQueueWorker } from '@voxq/queues';
import type { ProcessResources } from '@voxq/runtime';
import { deliveryDeps, type SecretLookup } from './delivery-deps';
import type { WebhookEndpointStore } from './endpoint-store';
import { createDeliveryProcessor, deadLetterInvalid } from './delivery-processor';
import { createWebhookBackoffStrategy } from './schedule';

export interface DispatcherOptions {
  /** The process's command connection (records, delivery log, dead letters) and a named connection for the Worker. */
  resources: Pick<ProcessResources, 'redis' | 'connection'>;
  config: Config;
  logger: Logger;
  secretFor: SecretLookup;
  /** The process's endpoint store (made here when not given). */
  endpoints?: WebhookEndpointStore;
}

export interface Dispatcher {
  /**
   * Stops taking deliveries and waits for those in flight. Past `deadline`
   * it stops waiting: an unfinished delivery's lock lapses and BullMQ's stalled check
   * queues it again (receivers dedupe on `webhook-id`).
   */
  close(deadline?: AbortSignal): Promise<void>;
}

/**
 * Serves the `webhooks` queue. A slow receiver holds one of `config.webhooks.concurrency`
 * slots for at most `config.webhooks.timeoutMs`; nothing else waits on it. Retries wait in
 * BullMQ's delayed set (the schedule is the Worker's backoff strategy), never in a slot.
 */
export async function startDispatcher({ resources, config, logger, secretFor, endpoints }: DispatcherOptions): Promise<Dispatcher> {
  const deps = deliveryDeps({ config, logger, redis: resources.redis, secretFor, ...(endpoints ? { endpoints } : {}) });

  const worker = startQueueWorker(
    QUEUE_CATALOG.webhooks,
    {
      connection: resources.connection('bull:webhooks'),
      prefix: bullPrefix(config.redis.prefix),
      concurrency: config.webhooks.concurrency,
      settings: { backoffStrategy: createWebhookBackoffStrategy(config.webhooks.retryScheduleMs) },
      onInvalid: (job, error) => deadLetterInvalid(deps, job, error),
    },
    createDeliveryProcessor(deps),
  );
  worker.on('failed', (job, error) => {
    logger.debug({ deliveryId: job?.id, attemptsMade: job?.attemptsMade, error: error.message }, 'webhook job failed');
  });
  // Without a listener an 'error' (Redis away, say) would crash the process; BullMQ reconnects by itself.
  worker.on('error', logQueueError(logger, 'webhook worker error'));
  await worker.waitUntilReady();
  logger.info({ concurrency: config.webhooks.concurrency }, 'dispatcher started');

  return {
    async close(deadline) {
      // The connections are the process's: they close with its resources, after this.
      const how = await drainWorker(worker, deadline);
      logger.info({ deliveries: how === 'drained' ? 'finished' : 'left to the stalled-job check' }, 'dispatcher stopped');
    },
  };
}
