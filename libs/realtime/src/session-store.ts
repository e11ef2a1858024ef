import { realtimeSessionViewSchema, type RealtimeSessionView } from '@voxq/contracts';
import { redisKeys, type KeyShards, type RedisClient, type RedisKeys } from '@voxq/redis-keys';
import { sessionCounters } from '@voxq/usage';

/**
 * Realtime sessions' records: one hash per session (`tenantId`, and the view as JSON), kept as
 * long as job records (`JOB_RETENTION_SECONDS`). Written when a session opens (`active`) and
 * again when it ends, in the same MULTI as the usage it adds: every key is in shard 0 (the
 * prefix's hash tag), so the transaction stays on one slot of a cluster.
 */
export class RealtimeSessionStore {
  private readonly keys: RedisKeys['realtime'];

  constructor(
    private readonly redis: RedisClient,
    private readonly shards: KeyShards,
    private readonly retentionSeconds: number,
  ) {
    this.keys = redisKeys(shards.prefix).realtime;
  }

  async opened(tenantId: string, view: RealtimeSessionView): Promise<void> {
    const key = this.keys.session(view.id);
    await this.redis
      .multi()
      .hset(key, { tenantId, view: JSON.stringify(view) })
      .expire(key, this.retentionSeconds)
      .exec();
  }

  /** The ended session's record and its metering, at once: a session counts exactly when its record says it ended. */
  async ended(tenantId: string, view: RealtimeSessionView): Promise<void> {
    const key = this.keys.session(view.id);
    const usage = sessionCounters(this.shards, {
      tenantId,
      provider: view.provider,
      endedAt: new Date(view.endedAt ?? Date.now()),
      durationMs: view.durationMs ?? 0,
    });
    const multi = this.redis
      .multi()
      .hset(key, { tenantId, view: JSON.stringify(view) })
      .expire(key, this.retentionSeconds);
    for (const [field, by] of usage.increments) multi.hincrby(usage.key, field, by);
    await multi.expireat(usage.key, usage.expireAt).exec();
  }

  /** The tenant's session, or null (another tenant's, expired, or unknown). */
  async get(tenantId: string, sessionId: string): Promise<RealtimeSessionView | null> {
    const [owner, view] = await this.redis.hmget(this.keys.session(sessionId), 'tenantId', 'view');
    if (owner !== tenantId || !view) return null;
    const parsed = realtimeSessionViewSchema.safeParse(JSON.parse(view));
    return parsed.success ? parsed.data : null;
  }
}
