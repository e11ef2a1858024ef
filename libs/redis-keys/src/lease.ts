import { defineScripts } from './define-scripts';
import type { RedisClient } from './redis-client';
import releaseLua from './scripts/lease-release.lua';

interface LeaseScripts {
  voxqLeaseRelease(key: string, token: string): Promise<number>;
}

/**
 * A lease on one key for one holder at a time (the history mover's, per lane and shard):
 * taken with a token for `ms`, and given back only by the holder whose token it still is.
 */
export class Lease {
  private readonly redis: RedisClient & LeaseScripts;

  constructor(redis: RedisClient) {
    this.redis = defineScripts<LeaseScripts>(redis, { voxqLeaseRelease: { keys: 1, lua: releaseLua } });
  }

  /** True when this token now holds `key` for `ms`; false when another holds it. */
  async take(key: string, token: string, ms: number): Promise<boolean> {
    return (await this.redis.set(key, token, 'PX', ms, 'NX')) === 'OK';
  }

  /** Gives `key` back if this token still holds it (compare and delete in one step). */
  async give(key: string, token: string): Promise<void> {
    await this.redis.voxqLeaseRelease(key, token);
  }
}
