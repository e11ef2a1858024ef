import { UsageAllowance } from '@voxq/auth';
import { startBatchRunner, type BatchRunnerRuntime } from '@voxq/batches';
import type { Config } from '@voxq/config';
import { startDropPoller, type DropPollerRuntime } from '@voxq/drops';
import { createJobService } from '@voxq/intake';
import type { Logger } from '@voxq/logging';
import { untilAborted } from '@voxq/process';
import { openProcessResources, type ServingResources } from '@voxq/runtime';
import { webhookQueueContext } from '@voxq/webhooks';
import { startHistoryRuntime, type HistoryRuntime } from './history-runtime';
import { startWorkers, type WorkerRuntime } from './worker-runtime';

export interface WorkerProcessOptions {
  /**
   * Run the job workers (`WORKER_QUEUES`).
   * @defaultValue true
   */
  jobs?: boolean;
  /**
   * Run the batch runner (the `batches` queue).
   * @defaultValue true
   */
  batches?: boolean;
  /**
   * Run the bucket-drop poller, every `intervalMs` (`DROP_POLL_INTERVAL_MS` when true).
   * @defaultValue false
   */
  drops?: boolean | { intervalMs: number };
}

export interface WorkerProcess {
  readonly resources: ServingResources;
  /** The drop poller, when `drops` asked for one (tests poll it now). */
  readonly drops: DropPollerRuntime | null;
  /**
   * All stop taking work at once; each lets its own in-flight work finish. A batch step or
   * drop pass still running at `deadline` is left to BullMQ's stalled-job check (both are
   * safe to re-run); the job workers hand theirs back themselves. Then the shared resources
   * close (queues, providers, connections, object store).
   */
  close(deadline?: AbortSignal): Promise<void>;
}

/**
 * The worker app's composition root: one set of process resources (command connection,
 * queues, object store, provider runtime), one JobService, allowance and webhook context,
 * handed to the job workers, the batch runner and the drop poller. The app and the test
 * stack both start the worker through this, so neither wires it alone.
 */
export async function startWorkerProcess(config: Config, logger: Logger, options: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const resources = openProcessResources(config, logger, 'worker');
  const { redis, queues, objects, history } = resources;
  const allowance = new UsageAllowance(redis, config.redis.prefix, config.limits.monthlyJobAllowance);
  const webhooks = webhookQueueContext(queues.webhooks, redis, config.redis.prefix, config.jobs.retentionSeconds);
  const jobs = createJobService(config, redis, queues, objects, allowance, webhooks, history?.store);
  let workers: WorkerRuntime | null = null;
  let batches: BatchRunnerRuntime | null = null;
  let drops: DropPollerRuntime | null = null;
  let mover: HistoryRuntime | null = null;
  try {
    await resources.ready();
    // Finished records: from Redis to the history tier, and its partitions kept (made ahead, dropped past retention).
    if (history) mover = await startHistoryRuntime(redis, history.store, config, logger);
    if (options.jobs !== false) workers = await startWorkers({ ...resources, webhooks }, config, logger);
    // Batches: validation, expansion into jobs, progress and output files (the `batches` queue).
    if (options.batches !== false) batches = startBatchRunner({ ...resources, jobs, allowance, webhooks }, config, logger);
    // Bucket drops: list watched prefixes for new objects.
    if (options.drops) {
      const intervalMs = options.drops === true ? config.drops.pollIntervalMs : options.drops.intervalMs;
      drops = startDropPoller({ redis, objects, jobs }, config, logger, { intervalMs });
    }
  } catch (error) {
    await Promise.all([workers?.close(), batches?.close(), drops?.close(), mover?.close()]);
    await resources.close();
    throw error;
  }
  return {
    resources,
    drops,
    async close(deadline) {
      await Promise.all([
        Promise.race([batches?.close(), untilAborted(deadline)]),
        Promise.race([drops?.close(), untilAborted(deadline)]),
        workers?.close(deadline),
      ]);
      // After the jobs: the records they just finished are moved now or by the next worker's mover.
      await mover?.close();
      await resources.close();
    },
  };
}
