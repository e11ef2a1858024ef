import { startApiServer } from '@voxq/api';
import { checkRedis, runService } from '@voxq/process';
import { checkBucket } from '@voxq/storage';

await runService('api', (config, logger) => startApiServer(config, logger), { checks: [checkRedis, checkBucket] });
