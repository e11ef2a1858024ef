import { createHash } from 'node:crypto';
import type { RedisClient } from '@voxq/redis-keys';
import { defineScripts, type KeyShards } from '@voxq/redis-keys';
import releaseLua from './scripts/idempotency-release.lua';

export type Reservation = { kind: 'reserved' } | { kind: 'existing'; jobId: string; bodyHash: string };

interface IdempotencyScripts {
  voxqIdempotencyRelease(key: string, reservation: string): Promise<number>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * `Idempotency-Key` support: the first request with a key reserves it for its job id and
 * body hash; a repeat gets the same job, a repeat with another body a conflict. Keys are
 * per tenant and kept for 24 hours, as Stripe does. As Stripe does too, a request refused
 * before anything was queued (invalid input, no allowance left) gives its key back, so the
 * corrected request may use it again.
 */
export class IdempotencyStore {
  static readonly TTL_SECONDS = 24 * 3600;
  private readonly redis: RedisClient & IdempotencyScripts;

  constructor(
    redis: RedisClient,
    private readonly shards: KeyShards,
  ) {
    this.redis = defineScripts<IdempotencyScripts>(redis, { voxqIdempotencyRelease: { keys: 1, lua: releaseLua } });
  }

  static hashBody(body: unknown): string {
    return sha256(JSON.stringify(body));
  }

  /** In the shard the key's hash picks, so one tenant's keys spread as its jobs do. */
  private redisKey(tenantId: string, key: string): string {
    const hash = sha256(key);
    return this.shards.keysFor(hash).idempotency.reservation(tenantId, hash);
  }

  async reserve(tenantId: string, key: string, jobId: string, bodyHash: string): Promise<Reservation> {
    const redisKey = this.redisKey(tenantId, key);
    const value = JSON.stringify({ jobId, bodyHash });
    const set = await this.redis.set(redisKey, value, 'EX', IdempotencyStore.TTL_SECONDS, 'NX');
    if (set === 'OK') return { kind: 'reserved' };
    const existing = JSON.parse((await this.redis.get(redisKey)) ?? value) as { jobId: string; bodyHash: string };
    return { kind: 'existing', ...existing };
  }

  /** Gives back a key reserved by `reserve(…, jobId, bodyHash)` for a request that queued nothing. */
  async release(tenantId: string, key: string, jobId: string, bodyHash: string): Promise<void> {
    await this.redis.voxqIdempotencyRelease(this.redisKey(tenantId, key), JSON.stringify({ jobId, bodyHash }));
  }
}
