import type { RedisClient } from '@voxq/redis-keys';
import { defineScripts, Lease, type KeyShards } from '@voxq/redis-keys';
import { jobRecordSchema, type JobRecord } from './job-record';
import releaseLua from './scripts/history-release.lua';

/** Finished records taken from one shard's pending set, to copy to the history tier. */
export interface HandoffBatch {
  shard: number;
  records: JobRecord[];
  /** When each job finished (epoch ms): its record stays in Redis until the hot window after it. */
  finishedAt: Map<string, number>;
}

interface HandoffScripts {
  voxqHistoryRelease(...args: Array<string | number>): Promise<number>;
}

/**
 * The Redis side of moving finished job records to the history tier (Postgres): which
 * records wait (`take`), and letting them go once the history tier holds them (`release`).
 * A finished record has no expiry until it is released, so a mover that dies between the two
 * leaves the records where they were, and the next one copies them again (the history tier's
 * writes are idempotent): each record ends in the history tier, never in neither place.
 */
export class HistoryHandoff {
  private readonly redis: RedisClient & HandoffScripts;
  private readonly leases: Lease;

  constructor(
    redis: RedisClient,
    private readonly shards: KeyShards,
    /** How long a released record stays readable in Redis, counted from when its job finished. */
    private readonly hotSeconds: number,
  ) {
    this.redis = defineScripts<HandoffScripts>(redis, {
      // The key count travels with each call: a key per job released, and one per index it leaves.
      voxqHistoryRelease: { lua: releaseLua },
    });
    this.leases = new Lease(redis);
  }

  /** Up to `limit` of a shard's oldest waiting records, or null when none waits. */
  async take(shard: number, limit: number): Promise<HandoffBatch | null> {
    const keys = this.shards.keysOf(shard);
    const pending = await this.redis.zrange(keys.history.pending(), 0, limit - 1, 'WITHSCORES');
    if (pending.length === 0) return null;
    const finishedAt = new Map<string, number>();
    for (let i = 0; i + 1 < pending.length; i += 2) finishedAt.set(pending[i]!, Number(pending[i + 1]));
    const pipeline = this.redis.pipeline();
    for (const id of finishedAt.keys()) pipeline.hgetall(keys.jobs.record(id));
    const records: JobRecord[] = [];
    for (const [error, hash] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      const fields = hash as Record<string, string>;
      // A record gone from under its entry (deleted by hand) has nothing to move: release drops the entry.
      if (fields.id) records.push(jobRecordSchema.parse(fields));
    }
    return { shard, records, finishedAt };
  }

  /** The history tier holds the batch's records: they leave the indexes, and Redis after the hot window. */
  async release(batch: HandoffBatch, now = Date.now()): Promise<void> {
    const keys = this.shards.keysOf(batch.shard);
    const byId = new Map(batch.records.map((r) => [r.id, r]));
    const ids = [...batch.finishedAt.keys()];
    if (ids.length === 0) return;
    const ttls = ids.map((id) => Math.max(1, Math.ceil(this.hotSeconds - (now - batch.finishedAt.get(id)!) / 1000)));
    // Each index with the ids leaving it (a record gone from under its entry left no index to name).
    const leaving = new Map<string, string[]>();
    for (const id of ids) {
      const record = byId.get(id);
      if (!record) continue;
      for (const index of [keys.indexes.tenantJobs(record.tenantId), keys.indexes.jobsByType(record.tenantId, record.type)]) {
        const members = leaving.get(index);
        if (members) members.push(id);
        else leaving.set(index, [id]);
      }
    }
    const indexArgs = [...leaving.values()].flatMap((members) => [members.length, ...members]);
    const keyList = [keys.history.pending(), ...ids.map((id) => keys.jobs.record(id)), ...leaving.keys()];
    await this.redis.voxqHistoryRelease(keyList.length, ...keyList, ids.length, ...ids, ...ttls, ...indexArgs);
  }

  /** How many finished jobs wait over all shards, and when the oldest of them finished. */
  async backlog(): Promise<{ jobs: number; oldestFinishedAt: number | null }> {
    // One read per shard, not one pipeline: on a cluster the shards are on different nodes.
    const shards = await Promise.all(
      this.shards.all().map((k) => {
        const pending = this.shards.keysOf(k).history.pending();
        return Promise.all([this.redis.zcard(pending), this.redis.zrange(pending, 0, 0, 'WITHSCORES')]);
      }),
    );
    let jobs = 0;
    let oldestFinishedAt: number | null = null;
    for (const [count, oldest] of shards) {
      jobs += count;
      if (oldest.length === 2) oldestFinishedAt = Math.min(oldestFinishedAt ?? Infinity, Number(oldest[1]));
    }
    return { jobs, oldestFinishedAt };
  }

  /** How many finished jobs wait over all shards (one ZCARD per shard). */
  async waiting(): Promise<number> {
    const counts = await Promise.all(this.shards.all().map((k) => this.redis.zcard(this.shards.keysOf(k).history.pending())));
    return counts.reduce((sum, n) => sum + n, 0);
  }

  /** Takes a shard's mover lease for `ms` (one process moves a shard at a time); false when another holds it. */
  lease(shard: number, token: string, ms: number): Promise<boolean> {
    return this.leases.take(this.shards.keysOf(shard).history.moverLease(), token, ms);
  }

  /** Gives the lease back if this token still holds it. */
  unlease(shard: number, token: string): Promise<void> {
    return this.leases.give(this.shards.keysOf(shard).history.moverLease(), token);
  }
}
