import { DelayedError, type Job } from 'bullmq';
import type { Config } from '@voxq/config';
import type { JobType } from '@voxq/contracts';
import { DropOutput, DropRuleStore } from '@voxq/drops';
import { errors } from '@voxq/errors';
import { JobEventPublisher, JobStore, newJobFields } from '@voxq/job-store';
import { ReplyStreamWriter } from '@voxq/job-stream';
import type { Logger } from '@voxq/logging';
import { drainWorker, logQueueError } from '@voxq/process';
import { createSpeechTranscoder, ProviderRouter, Semaphore } from '@voxq/providers';
import { QUEUE_CATALOG, queuedJobSchema, shardConcurrency, startQueueWorker, subscribeCancels } from '@voxq/queues';
import type { ServingResources } from '@voxq/runtime';
import { UsageMeter } from '@voxq/usage';
import { tenantHasEndpoints, type WebhookQueueContext } from '@voxq/webhooks';
import { createJobProcessor, failJob, type ProcessorDeps } from './job-processor';
import { ToolDispatch } from './tool-dispatch';
import { ToolLoopStore } from '@voxq/job-kinds';
import { KeyShards } from '@voxq/redis-keys';

export interface WorkerRuntime {
  /**
   * Stops taking jobs and lets running ones finish (the process's resources stay open: their
   * owner closes them after). When `deadline`
   * aborts, the jobs still running are aborted and handed back to the queue (record back to
   * `queued`, BullMQ job back to wait, no attempt used) for another worker to run.
   */
  close(deadline?: AbortSignal): Promise<void>;
}

/** What the job workers take from their process: its shared resources and webhook queue context. */
export interface WorkerResources
  extends Pick<ServingResources, 'redis' | 'queues' | 'objects' | 'providers' | 'connection'>, Partial<Pick<ServingResources, 'history'>> {
  /** The `webhooks` queue and its stores: finished jobs' events (a job without a `webhook.url` has one only when its tenant has endpoints). */
  webhooks: WebhookQueueContext;
}

/**
 * Runs a BullMQ worker for each queue in `config.worker.queues`, so one image can be scaled
 * per job type (`WORKER_QUEUES=transcribe`). Each has its own connection (`bull:<queue>`),
 * and cancel messages arrive on a subscriber of their own (`subscriber:cancel`); everything
 * else goes over the process's command connection.
 */
export async function startWorkers(resources: WorkerResources, config: Config, logger: Logger): Promise<WorkerRuntime> {
  const { redis: connection, queues, providers, objects, webhooks } = resources;
  const subscriber = resources.connection('subscriber:cancel');
  // With a history tier, finished records wait for the mover instead of expiring (every JobStore of an installation agrees).
  const store = new JobStore(connection, KeyShards.for(config.redis), config.jobs.retentionSeconds, resources.history?.store);
  const deps: ProcessorDeps = {
    store,
    meter: new UsageMeter(KeyShards.for(config.redis)),
    storage: {
      objects,
      audioLimitBytes: config.api.audioLimitBytes,
      presignTtlSeconds: config.s3.presignTtlSeconds,
      // ffmpeg is a CPU-bound child process like the local engines, under a limit of the same size.
      transcoder: createSpeechTranscoder({ limiter: new Semaphore(config.worker.localEngineConcurrency) }),
    },
    router: new ProviderRouter({
      runtime: providers,
      redis: connection,
      prefix: config.redis.prefix,
      timeoutMs: config.providers.timeoutMs,
      attemptDeadlineMs: config.providers.attemptDeadlineMs,
      maxCandidates: config.providers.maxCandidates,
      logger,
      toHistory: resources.history != null,
    }),
    webhooks,
    hasEndpoints: (tenantId) => tenantHasEndpoints(webhooks.endpoints, tenantId),
    tools: new ToolDispatch(
      (job) => queues.inShard('tools', queues.shardOfJob(job)),
      new ToolLoopStore(connection, KeyShards.for(config.redis), config.jobs.retentionSeconds),
    ),
    logger,
    running: new Map(),
    drops: new DropOutput({ objects, rules: new DropRuleStore(connection, config.redis.prefix), logger }),
    events: new JobEventPublisher(connection, KeyShards.for(config.redis)),
    streams: new ReplyStreamWriter(connection, KeyShards.for(config.redis), config.streams, logger),
  };

  const unsubscribe = await subscribeCancels(subscriber, config.redis.prefix, (jobId) => {
    deps.running.get(jobId)?.abort(errors.cancelled());
  });

  const processor = capped(releasable(createJobProcessor(deps)));
  const concurrency = shardConcurrency(config.worker.concurrency, queues.shards.count);
  const workers = config.worker.queues.flatMap((type: JobType) => {
    // One command connection per type, shared by its shards' workers (each still opens its own blocking one).
    const connection = resources.connection(`bull:${type}`);
    return queues.shards.all().map((shard) => startShardWorker(type, shard, connection));
  });

  function startShardWorker(type: JobType, shard: number, connection: ReturnType<typeof resources.connection>) {
    const worker = startQueueWorker(
      QUEUE_CATALOG[type],
      {
        connection,
        prefix: queues.shards.keysOf(shard).bull.prefix(),
        concurrency,
        // A job whose worker died is re-queued once; a second stall fails it (see below).
        maxStalledCount: 1,
        // Nothing a retry can mend: the payload in Redis is not one we wrote. The job fails with the reason.
        onInvalid: (job, error) => logger.error({ jobId: job.id, reason: error.detail }, 'invalid job payload'),
      },
      processor,
    );
    worker.on('failed', (job, error) => void onFailed(job, error));
    worker.on('error', logQueueError(logger, 'worker error', { queue: type, ...(queues.shards.count > 1 ? { shard } : {}) }));
    return worker;
  }

  /**
   * The processor records its own failures. BullMQ can also fail a job without running it
   * (it stalled too often): record those too, so no job stays "active" forever.
   */
  async function onFailed(job: Job | undefined, error: Error) {
    if (!job?.id || !/stalled/i.test(error.message)) return;
    // A stalled job never reached the processor: its data is parsed here, as there.
    const data = queuedJobSchema.safeParse(job.data);
    if (!data.success) return;
    const reason = errors.internal(`The job's worker stopped responding too often: ${error.message}`);
    await failJob(deps, newJobFields(job.id, data.data), reason).catch((err: unknown) =>
      logger.error({ err, jobId: job.id }, 'could not record a stalled job as failed'),
    );
  }

  /** Jobs aborted because the grace period ran out (as opposed to cancelled by a client). */
  const released = new Set<string>();

  /**
   * The processor answers an aborted attempt with `cancelled`, leaving the record to whoever
   * aborted it. For a job this process hands back at shutdown that is us: move the record
   * back to `queued` and the BullMQ job to wait, so neither is left saying `active`. A job a
   * client cancelled meanwhile stays cancelled (the record is no longer active).
   */
  function releasable(run: ReturnType<typeof createJobProcessor>): typeof run {
    return async (job, token) => {
      const outcome = await run(job, token);
      if (outcome.status !== 'cancelled' || !job.id || !released.has(job.id) || !token) return outcome;
      if ((await store.requeue(newJobFields(job.id, job.data))).kind !== 'ok') return outcome;
      await job.moveToDelayed(Date.now(), token);
      logger.info({ jobId: job.id }, 'job handed back to the queue at shutdown');
      throw new DelayedError();
    };
  }

  /** Ends the waits for a slot (`capped`) when the process stops. */
  const closing = new AbortController();

  /**
   * With several shards, each shard's worker takes its share of WORKER_CONCURRENCY rounded
   * up, so together they may take a few jobs more than it: a job past it waits here for a
   * running one to end, and one still waiting at shutdown goes back to its queue untouched
   * (its record still says `queued`; no attempt is counted). So the process never runs more
   * than WORKER_CONCURRENCY jobs at once.
   */
  function capped(run: ReturnType<typeof createJobProcessor>): typeof run {
    if (queues.shards.count === 1) return run;
    const slots = new Semaphore(config.worker.concurrency);
    return async (job, token) => {
      let release: () => void;
      try {
        release = await slots.acquire(closing.signal);
      } catch {
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      try {
        return await run(job, token);
      } finally {
        release();
      }
    };
  }

  /** Aborts every running attempt (once, whichever queue's worker asks first): its job goes back to the queue. */
  function releaseRunning() {
    if (released.size > 0 || deps.running.size === 0) return;
    for (const [jobId, controller] of deps.running) {
      released.add(jobId);
      controller.abort(errors.unavailable('The worker is shutting down; the job goes back to the queue.'));
    }
    logger.warn({ jobs: released.size }, 'shutdown grace period over: handing running jobs back to the queue');
  }

  logger.info({ queues: config.worker.queues, concurrency: config.worker.concurrency, shards: queues.shards.count }, 'worker started');

  return {
    async close(deadline) {
      closing.abort();
      // Running jobs finish; past the deadline they are aborted and handed back (see
      // `releasable`). One that ignores the abort is left to BullMQ: its lock lapses and
      // the stalled check of a running worker re-queues it (its record says `active` until
      // the re-run, which counts a new attempt).
      await Promise.all(workers.map((w) => drainWorker(w, deadline, { onDeadline: releaseRunning })));
      // Redis may be away at shutdown: the subscriber is disconnected with the process's
      // resources anyway, and their close must still run. Logged, not thrown.
      await unsubscribe().catch((err: unknown) => logger.warn({ err }, 'could not unsubscribe from cancel messages at shutdown'));
    },
  };
}
