import { ConfigError, loadProcessConfig, type Config, type EnvFragment } from '@voxq/config';
import { createLogger, type Logger } from '@voxq/logging';
import type { StartupCheck } from './startup-check';

export interface Service {
  /**
   * Stop taking work, let in-flight work finish, close connections. When `deadline` aborts
   * (SHUTDOWN_GRACE_MS after the signal, or at a second signal) hand back what still runs,
   * so nothing is left claimed by a process about to exit.
   */
  close(deadline: AbortSignal): Promise<void>;
}

export interface RunServiceOptions {
  /** Run in order after config loads and before `start`; the first refusal exits 1. */
  checks?: StartupCheck[];
  /**
   * Variables declared outside libs/config that this process reads (the provider vendors':
   * `providerEnv` from `@voxq/providers`), validated with the rest before anything starts.
   */
  env?: readonly EnvFragment[];
}

/** After the grace period, how long handing work back may take before the process exits anyway. */
const RELEASE_MS = 4_000;

/**
 * The whole life of a voxq process: load config (exit 1 with every problem listed), run the
 * startup checks (exit 1 with a one-line reason), start, and on SIGTERM/SIGINT close the
 * service within `SHUTDOWN_GRACE_MS`, then exit 0. A second signal cuts the grace short.
 */
export async function runService(name: string, start: (config: Config, logger: Logger) => Promise<Service>, options: RunServiceOptions = {}): Promise<void> {
  let config: Config;
  try {
    config = loadProcessConfig(options.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`[${name}] ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ name, level: config.log.level });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  for (const check of options.checks ?? []) {
    try {
      await check(config, logger);
    } catch (error) {
      // One plain line on stderr, whatever the log format: it is what an operator reads first.
      console.error(`[${name}] cannot start: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  }

  let service: Service;
  try {
    service = await start(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  }

  const graceMs = config.lifecycle.shutdownGraceMs;
  const deadline = new AbortController();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: handing back in-flight work now');
      deadline.abort();
      return;
    }
    stopping = true;
    logger.info({ signal, graceMs }, 'shutting down: no new work, waiting for in-flight work');
    setTimeout(() => {
      logger.warn({ graceMs }, 'shutdown grace period over: handing back in-flight work');
      deadline.abort();
    }, graceMs).unref();
    deadline.signal.addEventListener('abort', () => {
      setTimeout(() => {
        logger.error('in-flight work did not stop in time; exiting with it unfinished');
        process.exit(1);
      }, RELEASE_MS).unref();
    });
    try {
      await service.close(deadline.signal);
    } catch (error) {
      logger.error({ err: error }, 'error while shutting down');
      process.exit(1);
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  watchLauncher((why) => void stop(why));
}

/**
 * Under `npm start` each app runs in a process group of its own, out of the terminal's reach,
 * and stops when its launcher tells it to; should the launcher die first (SIGKILL), the app
 * is handed to init: it then stops as on a signal, so no app outlives its launcher.
 */
function watchLauncher(stop: (why: string) => void): void {
  const launcher = Number(process.env['VOXQ_PARENT_PID'] ?? 0);
  if (!launcher) return;
  const timer = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(timer);
    stop('launcher gone');
  }, 1_000).unref();
}
