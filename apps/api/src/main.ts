import { startApiProcess } from '@voxq/api';
import { checkRedis, runService } from '@voxq/process';
import { providerEnv } from '@voxq/providers';
import { checkBucket } from '@voxq/storage';

await runService('api', (config, logger) => startApiProcess(config, logger), { checks: [checkRedis, checkBucket], env: providerEnv });
