import type { RedisClient } from '@voxq/redis-keys';
import type { Config } from '@voxq/config';
import { AppError } from '@voxq/errors';
import { isPostgresUnavailable, openHistoryTier, type HistoryTier } from '@voxq/history';
import type { Logger } from '@voxq/logging';
import { logQueueError, watchRedisConnection } from '@voxq/process';
import { createProviderRegistry, createProviderRuntime, type ProviderRuntime, VENDORS } from '@voxq/providers';
import { createCommandConnection, createRedisConnection, Queues } from '@voxq/queues';
import { createObjectStore, type ObjectStore } from '@voxq/storage';
import { workerObjectStore } from './worker-storage';

/** Which voxq process is running: it picks the command connection and what else is opened. */
export type ProcessRole = 'api' | 'worker' | 'dispatcher';

/**
 * Closes the shared command connection with QUIT, so commands already sent get their answers:
 * `disconnect()` fails whatever is in flight with "Connection is closed", which a caller that
 * did not wait for it (a background write) meets as an unhandled rejection; on a Redis Cluster
 * under load CI saw 30 at one worker's close. A Redis that does not answer gets `QUIT_WAIT_MS`,
 * then the disconnect. (The other connections may be blocked in a read, where QUIT would wait
 * out the block: they are disconnected as before.)
 */
async function quitGracefully(redis: RedisClient): Promise<void> {
  const timer = setTimeout(() => redis.disconnect(), QUIT_WAIT_MS);
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  } finally {
    clearTimeout(timer);
  }
}
const QUIT_WAIT_MS = 2_000;

/** What every voxq process shares: built once by `openProcessResources`, closed once by its `close`. */
export interface ProcessResources {
  readonly role: ProcessRole;
  /** The process's one command connection (named `voxq:<role>:commands` in `CLIENT LIST`). */
  readonly redis: RedisClient;
  /** The producer of every queue of the catalog, on `redis`. */
  readonly queues: Queues;
  /**
   * A connection that must be separate: a BullMQ Worker's (BullMQ adds its blocking
   * duplicate), a pub/sub subscriber's. Named `voxq:<role>:<purpose>`; retried forever
   * (`maxRetriesPerRequest: null`, as BullMQ requires). `close` disconnects it, after its
   * owner has closed.
   */
  connection(purpose: string): RedisClient;
  /** The history tier (Postgres) finished records move to, when `POSTGRES_URL` names one. Migrated by `ready`. */
  readonly history: HistoryTier | null;
  /** Gets the process's stores ready to serve: the history database migrated. */
  ready(): Promise<void>;
  /** Closes queues, providers, connections, the history pool and the object store, in that order. Stop taking work and drain first. */
  close(): Promise<void>;
}

/** The api's and the worker's: they also read and write S3 and call (or read the state of) providers. */
export interface ServingResources extends ProcessResources {
  /** S3: job audio, uploads, batch files. */
  readonly objects: ObjectStore;
  readonly providers: ProviderRuntime;
}

export type ResourcesOf<R extends ProcessRole> = R extends 'dispatcher' ? ProcessResources : ServingResources;

/**
 * Migrates the history database now, or, when it cannot be reached, in the background until
 * it can: a worker restarted during a Postgres outage still runs jobs (their records wait in
 * Redis), and the api still answers what Redis holds. A migration Postgres refuses stops the start.
 */
async function migrateWhenReachable(history: HistoryTier, logger: Logger): Promise<() => void> {
  try {
    await history.migrate();
    return () => undefined;
  } catch (error) {
    if (!isPostgresUnavailable(error) && !(error instanceof AppError && error.retryable)) throw error;
    logger.warn({ err: error }, 'history database unreachable at start; migrating once it answers');
    const retry = setInterval(() => {
      history.migrate().then(
        () => clearInterval(retry),
        () => undefined,
      );
    }, 5_000);
    retry.unref();
    return () => clearInterval(retry);
  }
}

/** How `CLIENT LIST` names a connection this process opened. */
export const connectionName = (role: ProcessRole, purpose: string) => `voxq:${role}:${purpose}`;

/**
 * The command connection of each role:
 * - api: `createCommandConnection`: a request path fails a command after a few retries
 *   rather than hanging an HTTP request while Redis is away; auto-pipelined.
 * - worker: no retry limit (`maxRetriesPerRequest: null`): a Redis restart makes a job's
 *   writes wait instead of failing work that already ran; auto-pipelined, since concurrent
 *   jobs (and the batch runner and drop poller beside them) write records, scores runs and
 *   events in the same ticks.
 * - dispatcher: as the worker: a delivery's record writes wait through a restart rather
 *   than fail a delivery the receiver already got.
 * On a Redis Cluster none is auto-pipelined (`createRedisConnection` says why).
 */
function commandConnection(config: Config, role: ProcessRole): RedisClient {
  const name = { connectionName: connectionName(role, 'commands') };
  if (role === 'api') return createCommandConnection(config.redis, name);
  return createRedisConnection(config.redis, { enableAutoPipelining: true, ...name });
}

/**
 * The composition root's resources for one process: one command connection, one set of
 * queues, and for the api and the worker one object store and one provider runtime. The
 * process's runtimes (`startWorkers`, `startBatchRunner`, `startApiServer`, …) take what
 * they use from it instead of opening their own.
 */
export function openProcessResources<R extends ProcessRole>(config: Config, logger: Logger, role: R): ResourcesOf<R>;
export function openProcessResources(config: Config, logger: Logger, role: ProcessRole): ProcessResources | ServingResources {
  const redis = commandConnection(config, role);
  watchRedisConnection(redis, logger, connectionName(role, 'commands'));
  const queues = new Queues(redis, config);
  // A Queue without an `error` listener prints each connection error raw (BullMQ's console.error).
  for (const queue of queues.all()) queue.on('error', logQueueError(logger, 'queue error', { queue: queue.name }));
  const opened: RedisClient[] = [];
  // The dispatcher neither reads S3 nor calls providers.
  const s3 = role === 'dispatcher' ? null : createObjectStore(config);
  // A worker waits out a short S3 outage inside the job; the api answers 503 at once.
  const objects = s3 && role === 'worker' ? workerObjectStore(s3, config, logger) : s3;
  // The worker calls the providers and lists them at info; the api knows the same list (to
  // route and answer `GET /v1/providers`) and says it at debug, so a start prints it once.
  const providers =
    role === 'dispatcher'
      ? null
      : createProviderRuntime(config, redis, logger, createProviderRegistry(config, logger, VENDORS, role === 'api' ? 'debug' : 'info'));
  // The dispatcher neither moves nor reads finished jobs: no pool, no migration of its own.
  const history = role === 'dispatcher' ? null : openHistoryTier(config, logger);
  let stopMigrating = () => undefined as void;
  let closed: Promise<void> | null = null;
  const base: ProcessResources = {
    role,
    redis,
    queues,
    history,
    async ready() {
      // Postgres away at start: the process serves what Redis holds and migrates once it answers.
      if (history) stopMigrating = await migrateWhenReachable(history, logger);
    },
    connection(purpose) {
      const made = createRedisConnection(config.redis, { connectionName: connectionName(role, purpose) });
      watchRedisConnection(made, logger, connectionName(role, purpose));
      opened.push(made);
      return made;
    },
    close() {
      closed ??= (async () => {
        await queues.close();
        await providers?.close();
        for (const connection of opened.splice(0)) connection.disconnect();
        await quitGracefully(redis);
        stopMigrating();
        await history?.close();
        s3?.close();
      })();
      return closed;
    },
  };
  return objects && providers ? { ...base, objects, providers } : base;
}
