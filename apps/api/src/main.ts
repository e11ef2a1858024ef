import { startApiServer } from '@voxq/api';
import { runService } from '@voxq/process';

await runService('api', (config, logger) => startApiServer(config, logger));
