import { startWorkerProcess } from '@voxq/jobs';
import { startMetricsServer } from '@voxq/metrics';
import { applyHeapGrowingPercent, checkRedis, runService } from '@voxq/process';
import { providerEnv } from '@voxq/providers';
import { checkBucket } from '@voxq/storage';

await runService(
  'worker',
  async (config, logger) => {
    // Jobs in flight leave promoted garbage: collect it at 2× the live heap, not up to 4×
    // (WORKER_HEAP_GROWING_PERCENT; see applyHeapGrowingPercent). Before any job runs.
    applyHeapGrowingPercent(config.worker.heapGrowingPercent);
    // Job workers, the batch runner and (DROP_POLL_INTERVAL_MS=0: events only) the drop
    // poller, on one set of process resources.
    const worker = await startWorkerProcess(config, logger, { drops: config.drops.pollIntervalMs > 0 });
    // GET /metrics on METRICS_PORT (0 = off).
    const metrics = await startMetricsServer({ service: 'worker', ...config.metrics, logger });
    return {
      async close(deadline) {
        await worker.close(deadline);
        await metrics.close();
      },
    };
  },
  { checks: [checkRedis, checkBucket], env: providerEnv },
);
