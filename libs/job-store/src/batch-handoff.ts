import { defineScripts, Lease, type KeyShards, type RedisClient } from '@voxq/redis-keys';
import type { BatchProgress, BatchRecord } from '@voxq/contracts';
import { progressOf, sumProgress, type BatchState } from './batch-store';
import releaseLua from './scripts/batch-release.lua';

/** Finished batches taken from the pending set, to copy to the history tier. */
export interface BatchHandoffBatch {
  /** The batches to copy, each with its final counts summed over the shards. */
  batches: BatchState[];
  /** Every entry taken (a batch gone from under its entry has nothing to copy, and is released all the same). */
  entries: Array<{ member: string; tenantId: string; id: string }>;
}

export interface BatchHandoffOptions {
  /** How long a released batch stays readable in Redis, counted from when it finished. */
  hotSeconds: number;
  /**
   * A batch whose jobs have not all ended this long after it finished moves all the same,
   * with the counts it has (a job whose record is gone never ends): the job retention.
   */
  settleSeconds: number;
  /**
   * How long a batch whose jobs have not all ended waits before it is looked at again.
   * @defaultValue 10 s
   */
  recheckMs?: number;
}

interface BatchHandoffScripts {
  voxqBatchRelease(...args: Array<string | number>): Promise<number>;
}

/** When a finished batch finished (epoch ms), from its record. */
function finishedAtOf(batch: BatchRecord): number | null {
  const at = batch.completed_at ?? batch.failed_at ?? batch.cancelled_at ?? batch.expired_at;
  return at === null ? null : at * 1000;
}

/**
 * The Redis side of moving finished batches to the history tier, as `HistoryHandoff` is for
 * job records: a batch that reaches a final status waits, without expiry, in a pending set
 * (`BatchStore.putBatch`); `take` reads the oldest with their counts, `release` lets them go
 * once the history tier holds them (they stay readable for the hot window, then only there).
 * A batch's records are under the prefix (shard 0): one lane, one lease. Its counts are in
 * every shard its jobs are in; a batch is taken only once they are final (every job ended),
 * so the history row's counts are exact: a batch finalized while jobs still ran (expired, or
 * failed by its runner) waits for them.
 */
export class BatchHandoff {
  private readonly redis: RedisClient & BatchHandoffScripts;
  private readonly recheckMs: number;
  private readonly leases: Lease;

  constructor(
    redis: RedisClient,
    private readonly shards: KeyShards,
    private readonly options: BatchHandoffOptions,
  ) {
    this.recheckMs = options.recheckMs ?? 10_000;
    this.redis = defineScripts<BatchHandoffScripts>(redis, {
      // The key count travels with each call: four keys per batch released.
      voxqBatchRelease: { lua: releaseLua },
    });
    this.leases = new Lease(redis);
  }

  private get keys() {
    return this.shards.base.batches;
  }

  /**
   * Up to `limit` of the oldest batches due to move whose counts are final, or null when none
   * is due. One whose jobs have not all ended is looked at again `recheckMs` later.
   */
  async take(limit: number, now = Date.now()): Promise<BatchHandoffBatch | null> {
    const members = await this.redis.zrange(this.keys.historyPending(), '-inf', now, 'BYSCORE', 'LIMIT', 0, limit);
    if (members.length === 0) return null;
    const due = members.map((member) => {
      const space = member.lastIndexOf(' ');
      return { member, tenantId: member.slice(0, space), id: member.slice(space + 1) };
    });
    // The records and shard 0's counts share a slot; each other shard's counts are read on their own.
    const [hashes, progress] = await Promise.all([this.readHashes(due.map((e) => this.keys.record(e.tenantId, e.id))), this.progressOf(due)]);
    const batches: BatchState[] = [];
    const entries: BatchHandoffBatch['entries'] = [];
    const later: string[] = [];
    for (const [i, entry] of due.entries()) {
      const hash = hashes[i]!;
      const counts = progress[i]!;
      if (hash['json']) {
        const batch = JSON.parse(hash['json']) as BatchRecord;
        const ended = counts.completed + counts.failed + counts.cancelled >= counts.expanded;
        const settled = (finishedAtOf(batch) ?? now) + this.options.settleSeconds * 1000 <= now;
        if (!ended && !settled) {
          later.push(entry.member);
          continue;
        }
        batches.push({ batch, progress: counts, cancelRequestedAt: hash['cancelRequestedAt'] ? Number(hash['cancelRequestedAt']) : null });
      }
      entries.push(entry);
    }
    if (later.length) await this.redis.zadd(this.keys.historyPending(), 'XX', ...later.flatMap((member) => [now + this.recheckMs, member]));
    return { batches, entries };
  }

  /** The history tier holds the batches: they leave the index, and Redis at the end of the hot window. */
  async release(taken: BatchHandoffBatch, now = Date.now()): Promise<void> {
    if (taken.entries.length === 0) return;
    const finished = new Map(taken.batches.map(({ batch }) => [batch.id, finishedAtOf(batch) ?? now]));
    const ttls = taken.entries.map((e) => Math.max(1, Math.ceil(this.options.hotSeconds - (now - (finished.get(e.id) ?? now)) / 1000)));
    const keys: string[] = [];
    const args: Array<string | number> = [];
    for (const [i, e] of taken.entries.entries()) {
      keys.push(this.keys.record(e.tenantId, e.id), this.keys.progress(e.tenantId, e.id), this.keys.tenantIndex(e.tenantId), this.keys.jobs(e.tenantId, e.id));
      args.push(e.member, e.id, ttls[i]!);
    }
    await this.redis.voxqBatchRelease(1 + keys.length, this.keys.historyPending(), ...keys, ...args);
    // The other shards' counts, in slots of their own: after the release, so a crash between the
    // two leaves them with the expiry their jobs gave them (the retention), never a batch short of its counts.
    await Promise.all(
      this.shards
        .all()
        .filter((k) => k !== 0)
        .map(async (k) => {
          const pipeline = this.redis.pipeline();
          for (const [i, e] of taken.entries.entries()) pipeline.expire(this.shards.keysOf(k).batches.progress(e.tenantId, e.id), ttls[i]!);
          const failed = (await pipeline.exec())?.find(([error]) => error);
          if (failed) throw failed[0];
        }),
    );
  }

  /** How many finished batches wait to move. */
  async backlog(): Promise<number> {
    return this.redis.zcard(this.keys.historyPending());
  }

  /** Takes the batches' mover lease for `ms` (one process moves them at a time); false when another holds it. */
  lease(token: string, ms: number): Promise<boolean> {
    return this.leases.take(this.keys.historyMover(), token, ms);
  }

  /** Gives the lease back if this token still holds it. */
  unlease(token: string): Promise<void> {
    return this.leases.give(this.keys.historyMover(), token);
  }

  private async readHashes(keys: string[]): Promise<Array<Record<string, string>>> {
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hgetall(key);
    return ((await pipeline.exec()) ?? []).map(([error, hash]) => {
      if (error) throw error;
      return hash as Record<string, string>;
    });
  }

  /** Each batch's counts summed over the shards: one pipeline per shard (a cluster's shards are on different nodes). */
  private async progressOf(entries: Array<{ tenantId: string; id: string }>): Promise<BatchProgress[]> {
    const perShard = await Promise.all(
      this.shards.all().map((k) => this.readHashes(entries.map((e) => this.shards.keysOf(k).batches.progress(e.tenantId, e.id)))),
    );
    return entries.map((_, i) => sumProgress(perShard.map((hashes) => progressOf(hashes[i]!))));
  }
}
