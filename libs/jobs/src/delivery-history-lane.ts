import type { Config } from '@voxq/config';
import type { HistoryStore } from '@voxq/history';
import { watchDeliveryBacklog } from '@voxq/metrics';
import type { RedisClient } from '@voxq/redis-keys';
import { DeliveryHandoff } from '@voxq/webhooks';
import type { HistoryLane } from './history-mover';

/** The deliveries lane of an installation's mover (`startHistoryRuntime`). */
export function deliveryLaneFor(redis: RedisClient, store: HistoryStore, config: Config): HistoryLane {
  return deliveryHistoryLane(new DeliveryHandoff(redis, config.redis.prefix, config.jobs.hotSeconds), store, config.jobs.historyMoveBatch);
}

/**
 * The mover's lane for finished webhook deliveries: each round copies the oldest waiting
 * deliveries with their events, and their lines of their subjects' attempt logs, then
 * releases them (`DeliveryHandoff`). Deliveries are not sharded: one lane, one lease.
 * Registers the deliveries' backlog gauge (`voxq_history_pending_deliveries`).
 */
export function deliveryHistoryLane(
  handoff: DeliveryHandoff,
  writer: Pick<HistoryStore, 'writeDeliveries' | 'writeAttemptLogs'>,
  /** Rows per history write (one statement): `HISTORY_MOVE_BATCH`. */
  statementSize: number,
): HistoryLane {
  watchDeliveryBacklog(() => handoff.backlog());
  return {
    kind: 'deliveries',
    shards: [0],
    lease: (_shard, token, ms) => handoff.lease(token, ms),
    unlease: (_shard, token) => handoff.unlease(token),
    async move(_shard, limit) {
      const batch = await handoff.take(limit);
      if (!batch) return 0;
      // All written before any is released: a failure leaves the whole round waiting, to be written again.
      await Promise.all([
        ...chunks(batch.deliveries, statementSize, () => 1).map((chunk) => writer.writeDeliveries(chunk)),
        ...chunks(batch.logs, statementSize, (log) => log.lines.length).map((chunk) => writer.writeAttemptLogs(chunk)),
      ]);
      await handoff.release(batch);
      return batch.taken.length;
    },
  };
}

/** The items in runs of at most `size` rows (an item of more rows than that is a run of its own). */
function chunks<T>(items: readonly T[], size: number, rowsOf: (item: T) => number): T[][] {
  const out: T[][] = [];
  let run: T[] = [];
  let rows = 0;
  for (const item of items) {
    if (run.length > 0 && rows + rowsOf(item) > size) {
      out.push(run);
      run = [];
      rows = 0;
    }
    run.push(item);
    rows += rowsOf(item);
  }
  if (run.length > 0) out.push(run);
  return out;
}
