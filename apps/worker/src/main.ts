import { startDropPoller } from '@voxq/api';
import { startWorkers } from '@voxq/jobs';
import { runService } from '@voxq/process';

await runService('worker', async (config, logger) => {
  const workers = await startWorkers(config, logger);
  // Bucket drops: list watched prefixes for new objects (DROP_POLL_INTERVAL_MS=0: events only).
  const drops = config.drops.pollIntervalMs > 0 ? startDropPoller(config, logger) : null;
  return {
    async close() {
      await drops?.close();
      await workers.close();
    },
  };
});
