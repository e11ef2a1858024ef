// First: V8's heap growth policy, before anything else allocates (see the file).
import './heap-growth';
import { startWorkerProcess } from '@voxq/jobs';
import { startMetricsServer } from '@voxq/metrics';
import { checkRedis, runService } from '@voxq/process';
import { providerEnv } from '@voxq/providers';
import { checkBucket } from '@voxq/storage';

await runService(
  'worker',
  async (config, logger) => {
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
