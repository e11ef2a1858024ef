import { startApiProcess } from '@voxq/api';
import { checkRedis, runService } from '@voxq/process';
import { providerEnv } from '@voxq/providers';
import { checkBucket } from '@voxq/storage';
import { checkSecretsKey, tenantSecretsEnv } from '@voxq/tenant-secrets';

await runService('api', (config, logger) => startApiProcess(config, logger), {
  checks: [checkRedis, checkBucket, checkSecretsKey],
  env: [...providerEnv, tenantSecretsEnv],
});
