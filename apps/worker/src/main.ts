import { startBatchRunner } from '@voxq/batches';
import { startDropPoller } from '@voxq/drops';
import { startWorkers } from '@voxq/jobs';
import { startMetricsServer } from '@voxq/metrics';
import { checkRedis, runService, untilAborted } from '@voxq/process';
import { providerEnv } from '@voxq/providers';
import { checkBucket } from '@voxq/storage';

await runService(
  'worker',
  async (config, logger) => {
    const workers = await startWorkers(config, logger);
    // Bucket drops: list watched prefixes for new objects (DROP_POLL_INTERVAL_MS=0: events only).
    const drops = config.drops.pollIntervalMs > 0 ? startDropPoller(config, logger) : null;
    // Batches: validation, expansion into jobs, progress and output files (the `batches` queue).
    const batches = startBatchRunner(config, logger);
    // GET /metrics on METRICS_PORT (0 = off).
    const metrics = await startMetricsServer({ service: 'worker', ...config.metrics, logger });
    return {
      async close(deadline) {
        // All stop taking work at once; each lets its own in-flight work finish. A batch step
        // still running at the deadline is left to BullMQ's stalled-job check (steps are
        // safe to re-run); the job workers hand theirs back themselves.
        await Promise.all([
          Promise.race([batches.close(), untilAborted(deadline)]),
          Promise.race([drops?.close(), untilAborted(deadline)]),
          workers.close(deadline),
        ]);
        await metrics.close();
      },
    };
  },
  { checks: [checkRedis, checkBucket], env: providerEnv },
);
