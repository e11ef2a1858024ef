import { loadConfig } from '@voxq/config';
import { createLogger } from '@voxq/logging';
import { startSimulator } from '@voxq/simulator';

// The provider simulator as a process, for `npm start`, the benchmark and manual testing.
const config = loadConfig();
const logger = createLogger({ name: 'simulator', level: config.log.level });
// Inside a container the port must be reachable from the other services.
const host = config.env === 'production' ? '0.0.0.0' : '127.0.0.1';

const simulator = await startSimulator({ port: config.simulator.port, host });
logger.info({ url: simulator.url, baseUrl: simulator.baseUrl }, 'provider simulator listening (OPENAI_BASE_URL=%s)', simulator.baseUrl);

let closing = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (closing) return;
  closing = true;
  logger.info({ signal }, 'provider simulator stopping');
  await simulator.close();
  process.exit(0);
}
process.on('SIGINT', (signal) => void shutdown(signal));
process.on('SIGTERM', (signal) => void shutdown(signal));
