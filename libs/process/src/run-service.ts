import { ConfigError, loadConfig, type Config } from '@voxq/config';
import { createLogger, type Logger } from '@voxq/logging';

export interface Service {
  close(): Promise<void>;
}

/** How long in-flight work may take to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 30_000;

/**
 * The whole life of a voxq process: load config (exit 1 with every problem listed), start,
 * and on SIGTERM/SIGINT stop taking work, let in-flight work finish, then exit 0.
 */
export async function runService(name: string, start: (config: Config, logger: Logger) => Promise<Service>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`[${name}] ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ name, level: config.log.level });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  let service: Service;
  try {
    service = await start(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.warn('shutdown grace period over; exiting with work in flight');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    await service.close().catch((error: unknown) => logger.error({ err: error }, 'error while shutting down'));
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
