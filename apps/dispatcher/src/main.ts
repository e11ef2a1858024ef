import { startMetricsServer } from '@voxq/metrics';
import { checkRedis, runService } from '@voxq/process';
import { checkSecretsKey, tenantSecretsEnv } from '@voxq/tenant-secrets';
import { startDispatcherProcess } from '@voxq/tool-calls';

/** Webhook deliveries and webhook-mode tool calls: everything voxq sends out to clients. */
await runService(
  'dispatcher',
  async (config, logger) => {
    const dispatcher = await startDispatcherProcess(config, logger);
    // GET /metrics on METRICS_PORT (0 = off).
    const metrics = await startMetricsServer({ service: 'dispatcher', ...config.metrics, logger });
    return {
      async close(deadline) {
        await dispatcher.close(deadline);
        await metrics.close();
      },
    };
  },
  { checks: [checkRedis, checkSecretsKey], env: [tenantSecretsEnv] },
);
