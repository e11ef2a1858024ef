import type { RedisClient } from '@voxq/redis-keys';
import { redisKeys } from '@voxq/redis-keys';
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

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly hotSeconds: number,
  ) {
    this.keys = redisKeys(prefix).providers;
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

  async lease(token: string, ms: number): Promise<boolean> {
    return (await this.redis.set(this.keys.scoresRunsMover(), token, 'PX', ms, 'NX')) === 'OK';
  }

  async unlease(token: string): Promise<void> {
    // Another mover's lease (ours ran out) stays: compare, then delete, in one step.
    await this.redis.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
      1,
      this.keys.scoresRunsMover(),
      token,
    );
  }
}
