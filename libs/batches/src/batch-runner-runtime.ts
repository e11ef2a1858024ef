import type { Job } from 'bullmq';
import type { UsageAllowance } from '@voxq/auth';
import type { Config } from '@voxq/config';
import { isFinalBatchStatus } from '@voxq/contracts';
import type { JobService } from '@voxq/intake';
import { BatchStore } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import { logQueueError } from '@voxq/process';
import { batchStepSchema, bullPrefix, QUEUE_CATALOG, startQueueWorker } from '@voxq/queues';
import type { ServingResources } from '@voxq/runtime';
import { enqueueBatchEvent, type WebhookQueueContext } from '@voxq/webhooks';
import { createBatchProcessor } from './batch-runner';
import { batchObject, nowSeconds } from './batch-view';
import { KeyShards } from '@voxq/redis-keys';

export interface BatchRunnerRuntime {
  /** Stops taking steps and waits for those running; the shared resources stay open (their owner closes them). */
  close(): Promise<void>;
}

/** What the runner takes from its process: the worker's shared resources and JobService. */
export interface BatchRunnerResources
  extends Pick<ServingResources, 'redis' | 'queues' | 'objects' | 'providers' | 'connection'>, Partial<Pick<ServingResources, 'history'>> {
  /** The process's JobService: a batch's lines are submitted as `POST /v1/jobs` submits. */
  jobs: JobService;
  /** The process's monthly allowance (a batch is charged whole at validation). */
  allowance: UsageAllowance;
  /** The `webhooks` queue and its stores: `batch.*` events. */
  webhooks: WebhookQueueContext;
}

/** Batch steps run a few at a time: each is I/O bound and a step holds no job slot while it waits. */
const CONCURRENCY = 8;

/**
 * The `batches` queue's worker, on its process's shared connection, queues, object store and
 * providers (its own BullMQ connection only). The worker app runs it; any number may run,
 * since BullMQ gives each batch's step to one of them at a time, and a step whose process
 * died is picked up by another (BullMQ's stalled-job check).
 */
export function startBatchRunner(resources: BatchRunnerResources, config: Config, logger: Logger): BatchRunnerRuntime {
  const { redis, queues, objects, providers, jobs, allowance, webhooks } = resources;
  // With a history tier, the save that finishes a batch queues it for the mover (the worker's history runtime).
  const store = new BatchStore(redis, KeyShards.for(config.redis), config.jobs.retentionSeconds, resources.history?.store);
  const log = logger.child({ component: 'batch-runner' });
  const processor = createBatchProcessor({
    store,
    jobs,
    objects,
    providers,
    webhooks,
    queues,
    allowance,
    logger: log,
    pollMs: config.batches.pollMs,
    fileRetentionSeconds: config.batches.fileRetentionSeconds,
    maxRequests: config.batches.maxRequests,
  });
  const worker = startQueueWorker(
    QUEUE_CATALOG.batches,
    {
      connection: resources.connection('bull:batches'),
      prefix: bullPrefix(config.redis.prefix),
      concurrency: CONCURRENCY,
      onInvalid: (job, error) => log.error({ jobId: job.id, reason: error.detail }, 'invalid batch job payload'),
    },
    processor,
  );
  worker.on('error', logQueueError(log, 'batch worker error'));
  worker.on('failed', (job, error) => void onFailed(job, error));

  /** A step that failed every attempt fails its batch: a batch never stays open without a runner. */
  async function onFailed(job: Job | undefined, error: Error) {
    if (!job || job.name !== 'run' || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    // Read back as the processor reads it: data that does not parse names no batch to fail.
    const step = batchStepSchema.safeParse(job.data);
    if (!step.success) return;
    const { tenantId, batchId } = step.data;
    log.error({ err: error, batchId }, 'batch step failed for good: the batch fails');
    const state = await store.readBatch(tenantId, batchId);
    if (!state || isFinalBatchStatus(state.batch.status)) return;
    Object.assign(state.batch, {
      status: 'failed',
      failed_at: nowSeconds(),
      errors: [{ code: 'internal_error', message: `The batch could not be run: ${error.message}`, line: null }],
    });
    await store.putBatch(state.batch);
    await enqueueBatchEvent(webhooks, tenantId, batchObject(state));
  }

  log.info({ concurrency: CONCURRENCY }, 'batch runner started');
  return {
    async close() {
      await worker.close();
    },
  };
}
