import { startBatchRunner, startDropPoller } from '@voxq/api';
import { startWorkers } from '@voxq/jobs';
import { runService } from '@voxq/process';

await runService('worker', async (config, logger) => {
  const workers = await startWorkers(config, logger);
  // Bucket drops: list watched prefixes for new objects (DROP_POLL_INTERVAL_MS=0: events only).
  const drops = config.drops.pollIntervalMs > 0 ? startDropPoller(config, logger) : null;
  // Batches: validation, expansion into jobs, progress and output files (the `batches` queue).
  const batches = startBatchRunner(config, logger);
  return {
    async close() {
      await batches.close();
      await drops?.close();
      await workers.close();
    },
  };
});
