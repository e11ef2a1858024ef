import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type Reservation = { kind: 'reserved' } | { kind: 'existing'; jobId: string; bodyHash: string };

/** Deletes a key only while it still holds the reservation it was given (a later one stays). */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

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

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  static hashBody(body: unknown): string {
    return sha256(JSON.stringify(body));
  }

  private redisKey(tenantId: string, key: string): string {
    return `${this.prefix}:idem:${tenantId}:${sha256(key)}`;
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
    await this.redis.eval(RELEASE_SCRIPT, 1, this.redisKey(tenantId, key), JSON.stringify({ jobId, bodyHash }));
  }
}
