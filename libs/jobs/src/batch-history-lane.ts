import type { Config } from '@voxq/config';
import type { HistoryStore } from '@voxq/history';
import { BatchHandoff } from '@voxq/job-store';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import type { HistoryLane } from './history-mover';

/**
 * The mover's lane for finished batches: take those due (counts final), copy them to the
 * history tier with their counts, then release them from Redis. Batches are under the prefix:
 * one lane, "shard" 0, one lease.
 */
export function batchHistoryLane(handoff: BatchHandoff, writer: Pick<HistoryStore, 'writeBatches'>): HistoryLane {
  return {
    kind: 'batches',
    shards: [0],
    lease: (_shard, token, ms) => handoff.lease(token, ms),
    unlease: (_shard, token) => handoff.unlease(token),
    async move(_shard, limit) {
      const taken = await handoff.take(limit);
      if (!taken) return 0;
      // Written before released: a failure leaves them waiting, to be written again (one row each).
      if (taken.batches.length > 0) await writer.writeBatches(taken.batches);
      await handoff.release(taken);
      return taken.entries.length;
    },
  };
}

/** The worker's batch lane: released batches stay readable in Redis for the hot window. */
export function batchHistoryLaneFor(redis: RedisClient, writer: Pick<HistoryStore, 'writeBatches'>, config: Config): HistoryLane {
  const handoff = new BatchHandoff(redis, KeyShards.for(config.redis), { hotSeconds: config.jobs.hotSeconds, settleSeconds: config.jobs.retentionSeconds });
  return batchHistoryLane(handoff, writer);
}
