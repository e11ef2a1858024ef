import { ApiKeyStore } from '@voxq/auth';
import { startMetricsServer } from '@voxq/metrics';
import { checkRedis, runService } from '@voxq/process';
import { createCommandConnection } from '@voxq/queues';
import { startToolWorker } from '@voxq/tool-calls';
import { startDispatcher } from '@voxq/webhooks';

/** Webhook deliveries and webhook-mode tool calls: everything voxq sends out to clients. */
await runService(
  'dispatcher',
  async (config, logger) => {
    const redis = createCommandConnection(config.redis.url);
    const keys = new ApiKeyStore(redis, config.redis.prefix);
    const secretFor = (tenantId: string) => keys.webhookSecret(tenantId);
    const dispatcher = await startDispatcher({ config, logger, secretFor });
    const tools = startToolWorker({ config, logger, secretFor });
    // GET /metrics on METRICS_PORT (0 = off).
    const metrics = await startMetricsServer({ service: 'dispatcher', ...config.metrics, logger });
    return {
      async close(deadline) {
        await Promise.all([dispatcher.close(deadline), tools.close(deadline)]);
        await metrics.close();
        redis.disconnect();
      },
    };
  },
  { checks: [checkRedis] },
);
