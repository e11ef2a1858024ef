import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type Reservation = { kind: 'reserved' } | { kind: 'existing'; jobId: string; bodyHash: string };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * `Idempotency-Key` support: the first request with a key reserves it for its job id and
 * body hash; a repeat gets the same job, a repeat with another body a conflict. Keys are
 * per tenant and kept for 24 hours, as Stripe does.
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

  async reserve(tenantId: string, key: string, jobId: string, bodyHash: string): Promise<Reservation> {
    const redisKey = `${this.prefix}:idem:${tenantId}:${sha256(key)}`;
    const value = JSON.stringify({ jobId, bodyHash });
    const set = await this.redis.set(redisKey, value, 'EX', IdempotencyStore.TTL_SECONDS, 'NX');
    if (set === 'OK') return { kind: 'reserved' };
    const existing = JSON.parse((await this.redis.get(redisKey)) ?? value) as { jobId: string; bodyHash: string };
    return { kind: 'existing', ...existing };
  }
}
