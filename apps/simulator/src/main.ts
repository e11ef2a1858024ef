import { runService } from '@voxq/process';
import { startSimulator } from '@voxq/simulator';

// The provider simulator as a process, for `npm start`, the benchmark and manual testing.
await runService('simulator', async (config, logger) => {
  // Inside a container the port must be reachable from the other services.
  const host = config.env === 'production' ? '0.0.0.0' : '127.0.0.1';
  const simulator = await startSimulator({ port: config.simulator.port, host, tokenMs: config.simulator.tokenMs });
  logger.info({ url: simulator.url, baseUrl: simulator.baseUrl }, 'provider simulator listening');
  return simulator;
});
