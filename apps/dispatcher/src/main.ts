import { ApiKeyStore } from '@voxq/auth';
import { runService } from '@voxq/process';
import { createCommandConnection } from '@voxq/queues';
import { startDispatcher } from '@voxq/webhooks';

await runService('dispatcher', async (config, logger) => {
  const redis = createCommandConnection(config.redis.url);
  const keys = new ApiKeyStore(redis, config.redis.prefix);
  const dispatcher = await startDispatcher({ config, logger, secretFor: (tenantId) => keys.webhookSecret(tenantId) });
  return {
    async close() {
      await dispatcher.close();
      redis.disconnect();
    },
  };
});
