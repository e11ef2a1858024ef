import { Worker, type Job } from 'bullmq';
import { UsageAllowance } from '@voxq/auth';
import type { Config } from '@voxq/config';
import { isFinalBatchStatus } from '@voxq/contracts';
import { createJobService } from '@voxq/intake';
import { BatchStore } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import { createProviderRuntime } from '@voxq/providers';
import { bullPrefix, createCommandConnection, createRedisConnection, Queues, QUEUE_NAMES } from '@voxq/queues';
import { createObjectStore } from '@voxq/storage';
import { enqueueBatchEvent } from '@voxq/webhooks';
import { createBatchProcessor } from './batch-runner';
import type { BatchStep } from './batch-runner-deps';
import { batchObject, nowSeconds } from './batch-view';

export interface BatchRunnerRuntime {
  close(): Promise<void>;
}

/** Batch steps run a few at a time: each is I/O bound and a step holds no job slot while it waits. */
const CONCURRENCY = 8;

/**
 * The `batches` queue's worker, with its own connections: it submits a batch's lines through
 * the same JobService as `POST /v1/jobs`. The worker app runs it; any number may run, since
 * BullMQ gives each batch's step to one of them at a time, and a step whose process died is
 * picked up by another (BullMQ's stalled-job check).
 */
export function startBatchRunner(config: Config, logger: Logger): BatchRunnerRuntime {
  const redis = createCommandConnection(config.redis.url);
  const queues = new Queues(redis, config);
  const objects = createObjectStore(config);
  const providers = createProviderRuntime(config, redis, logger);
  const store = new BatchStore(redis, config.redis.prefix, config.jobs.retentionSeconds);
  const jobs = createJobService(config, redis, queues, objects);
  const log = logger.child({ component: 'batch-runner' });
  const processor = createBatchProcessor({
    store,
    jobs,
    objects,
    providers,
    webhooks: queues.webhooks,
    batches: queues.batches,
    allowance: new UsageAllowance(redis, config.redis.prefix, config.limits.monthlyJobAllowance),
    logger: log,
    pollMs: config.batches.pollMs,
    fileRetentionSeconds: config.batches.fileRetentionSeconds,
    maxRequests: config.batches.maxRequests,
  });
  const worker = new Worker(QUEUE_NAMES.batches, processor, {
    connection: createRedisConnection(config.redis.url),
    prefix: bullPrefix(config.redis.prefix),
    concurrency: CONCURRENCY,
  });
  worker.on('error', (error) => log.error({ err: error }, 'batch worker error'));
  worker.on('failed', (job, error) => void onFailed(job, error));

  /** A step that failed every attempt fails its batch: a batch never stays open without a runner. */
  async function onFailed(job: Job | undefined, error: Error) {
    if (!job || job.name !== 'run' || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const { tenantId, batchId } = job.data as BatchStep;
    log.error({ err: error, batchId }, 'batch step failed for good: the batch fails');
    const state = await store.readBatch(tenantId, batchId);
    if (!state || isFinalBatchStatus(state.batch.status)) return;
    Object.assign(state.batch, { status: 'failed', failed_at: nowSeconds(), errors: [{ code: 'internal_error', message: `The batch could not be run: ${error.message}`, line: null }] });
    await store.putBatch(state.batch);
    await enqueueBatchEvent(queues.webhooks, tenantId, batchObject(state));
  }

  log.info({ concurrency: CONCURRENCY }, 'batch runner started');
  return {
    async close() {
      await worker.close();
      await queues.close();
      await providers.close();
      redis.disconnect();
      objects.close();
    },
  };
}
