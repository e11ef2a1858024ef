import { startWorkers } from '@voxq/jobs';
import { runService } from '@voxq/process';

await runService('worker', (config, logger) => startWorkers(config, logger));
