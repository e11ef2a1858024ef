import type { Config } from '@voxq/config';
import type { HistoryStore } from '@voxq/history';
import { HistoryHandoff } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import { ScoresRunHandoff } from '@voxq/providers';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import { batchHistoryLaneFor } from './batch-history-lane';
import { deliveryLaneFor } from './delivery-history-lane';
import { HistoryMover } from './history-mover';

export interface HistoryRuntime {
  close(): Promise<void>;
}

/** Partitions are made ahead and dropped past retention this often (and at start). */
const MAINTAIN_EVERY_MS = 3600_000;

/**
 * The worker's part of the history tier: the mover (finished records from Redis to Postgres)
 * and the partitions' upkeep. Neither stops the worker when Postgres is away: the mover keeps
 * the records in Redis and tries again, the upkeep tries again at its next turn.
 */
export async function startHistoryRuntime(redis: RedisClient, store: HistoryStore, config: Config, logger: Logger): Promise<HistoryRuntime> {
  const shards = KeyShards.for(config.redis);
  const log = logger.child({ component: 'history' });
  const maintain = () =>
    store.maintain().then(
      (report) => log.debug({ report }, 'history partitions maintained'),
      (err: unknown) => log.warn({ err }, 'history partitions not maintained; trying again later'),
    );
  await maintain();
  const timer = setInterval(() => void maintain(), MAINTAIN_EVERY_MS);
  timer.unref();
  const mover = new HistoryMover(new HistoryHandoff(redis, shards, config.jobs.hotSeconds), store, {
    shards: shards.all(),
    batchSize: config.jobs.historyMoveBatch,
    parallelWrites: config.jobs.historyMoveParallel,
    idleMs: 500,
    logger: log,
    scoresRuns: new ScoresRunHandoff(redis, config.redis.prefix, config.jobs.hotSeconds),
    lanes: [deliveryLaneFor(redis, store, config), batchHistoryLaneFor(redis, store, config)],
  });
  mover.start();
  return {
    async close() {
      clearInterval(timer);
      await mover.stop();
    },
  };
}
