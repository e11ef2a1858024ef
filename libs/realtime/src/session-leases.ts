import { defineScripts, redisKeys, type RedisClient, type RedisKeys } from '@voxq/redis-keys';
import acquireLua from './scripts/session-lease-acquire.lua';

interface LeaseScripts {
  voxqRealtimeLease(key: string, sessionId: string, now: number, leaseMs: number, limit: number): Promise<number>;
}

/** How long a lease holds without renewal: a dead process's sessions stop counting after this. */
export const SESSION_LEASE_MS = 30_000;
/** How often a live session renews its lease (well inside `SESSION_LEASE_MS`). */
export const SESSION_RENEW_MS = 10_000;

/**
 * A tenant's open realtime sessions, counted across every API replica: one sorted set per
 * tenant (session id → lease expiry), so the count needs no cleanup when a process dies (its
 * leases lapse) and each command touches one key (one slot on a cluster).
 */
export class SessionLeases {
  private readonly redis: RedisClient & LeaseScripts;
  private readonly keys: RedisKeys['realtime'];

  constructor(redis: RedisClient, prefix: string) {
    this.redis = defineScripts<LeaseScripts>(redis, { voxqRealtimeLease: { keys: 1, lua: acquireLua } });
    this.keys = redisKeys(prefix).realtime;
  }

  /** Leases a slot for the session; false when the tenant already holds `limit` (0 = unlimited). */
  async acquire(tenantId: string, sessionId: string, limit: number): Promise<boolean> {
    return (await this.redis.voxqRealtimeLease(this.keys.tenantOpen(tenantId), sessionId, Date.now(), SESSION_LEASE_MS, limit)) === 1;
  }

  /** Extends a live session's lease (only if it still holds one). */
  async renew(tenantId: string, sessionId: string): Promise<void> {
    const key = this.keys.tenantOpen(tenantId);
    await this.redis.zadd(key, 'XX', Date.now() + SESSION_LEASE_MS, sessionId);
    await this.redis.pexpire(key, SESSION_LEASE_MS * 2);
  }

  async release(tenantId: string, sessionId: string): Promise<void> {
    await this.redis.zrem(this.keys.tenantOpen(tenantId), sessionId);
  }

  /** The tenant's sessions open now (leases not yet lapsed). */
  async count(tenantId: string): Promise<number> {
    return this.redis.zcount(this.keys.tenantOpen(tenantId), Date.now(), '+inf');
  }
}
