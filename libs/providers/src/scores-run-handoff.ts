import type { RedisClient } from '@voxq/redis-keys';
import { Lease, redisKeys } from '@voxq/redis-keys';
import { scoresRunSchema, type ScoresRun } from './scores-run';

/** Scores runs taken from the pending set, to copy to the history tier. */
export interface ScoresRunBatch {
  runs: ScoresRun[];
  /** Every id taken (a run gone from under its entry has nothing to copy, and is released all the same). */
  ids: string[];
}

/**
 * The Redis side of moving scores runs to the history tier, as `HistoryHandoff` is for job
 * records: they wait without expiry in a pending set (`saveScoresRun` with `toHistory`), are
 * copied, then released: they stay readable in Redis for the hot window, then only in history.
 * Scores runs are not sharded: one lane, under the prefix.
 */
export class ScoresRunHandoff {
  private readonly keys: ReturnType<typeof redisKeys>['providers'];
  private readonly leases: Lease;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly hotSeconds: number,
  ) {
    this.keys = redisKeys(prefix).providers;
    this.leases = new Lease(redis);
  }

  async take(limit: number): Promise<ScoresRunBatch | null> {
    const ids = await this.redis.zrange(this.keys.scoresRunsPending(), 0, limit - 1);
    if (ids.length === 0) return null;
    const raws = await this.redis.mget(...ids.map((id) => this.keys.scoresRun(id)));
    const runs = raws.flatMap((raw) => (raw === null ? [] : [scoresRunSchema.parse(JSON.parse(raw))]));
    return { runs, ids };
  }

  async release(batch: ScoresRunBatch): Promise<void> {
    const multi = this.redis.multi().zrem(this.keys.scoresRunsPending(), ...batch.ids);
    for (const id of batch.ids) multi.expire(this.keys.scoresRun(id), this.hotSeconds);
    const failed = (await multi.exec())?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  async backlog(): Promise<number> {
    return this.redis.zcard(this.keys.scoresRunsPending());
  }

  lease(token: string, ms: number): Promise<boolean> {
    return this.leases.take(this.keys.scoresRunsMover(), token, ms);
  }

  unlease(token: string): Promise<void> {
    return this.leases.give(this.keys.scoresRunsMover(), token);
  }
}
