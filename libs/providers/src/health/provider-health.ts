import type { RedisClient } from '@voxq/redis-keys';
import { redisKeys, type RedisKeys } from '@voxq/redis-keys';

export interface HealthSample {
  calls: number;
  failures: number;
  /** Mean latency of successful calls, ms; null before any. */
  latencyMs: number | null;
  errorRate: number;
}

/** Width of one bucket, and how many make the window health is read over. */
const BUCKET_MS = 10_000;
const WINDOW_BUCKETS = 6;
const FLUSH_MS = 1_000;

interface Tally {
  calls: number;
  failures: number;
  okCount: number;
  okMs: number;
}

/**
 * Live latency and error rate per provider, measured by every worker together. Each
 * process tallies its calls in memory and adds them to 10-second buckets in Redis once a
 * second (one pipeline, not one write per call); readers sum the last minute's buckets.
 */
export class ProviderHealth {
  private pending = new Map<string, Tally>();
  private snapshot = new Map<string, HealthSample>();
  private readonly timer: NodeJS.Timeout;
  private readonly health: RedisKeys['providers']['health'];

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    /** `capability:name` of every provider to read health for. */
    private readonly keys: readonly string[],
  ) {
    this.health = redisKeys(prefix).providers.health;
    this.timer = setInterval(() => void this.tick(), FLUSH_MS);
    this.timer.unref();
  }

  private bucketKey = (key: string, bucket: number) => this.health(key, bucket);

  record(key: string, outcome: { ok: boolean; ms: number }): void {
    let tally = this.pending.get(key);
    if (!tally) this.pending.set(key, (tally = { calls: 0, failures: 0, okCount: 0, okMs: 0 }));
    tally.calls++;
    if (outcome.ok) {
      tally.okCount++;
      tally.okMs += outcome.ms;
    } else {
      tally.failures++;
    }
  }

  /** The last read of a provider's health (refreshed every second). */
  get(key: string): HealthSample | undefined {
    return this.snapshot.get(key);
  }

  // Health is a statistic for ranking, not a record: while Redis is away a tick's tallies are
  // dropped and the last snapshot stays in use (the router falls back to the catalog), and the
  // next tick after Redis returns reads the window afresh. Nothing here may crash the process.
  private async tick(): Promise<void> {
    await this.flush().catch(() => undefined);
    await this.refresh().catch(() => undefined);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const pending = this.pending;
    this.pending = new Map();
    const bucket = Math.floor(Date.now() / BUCKET_MS);
    const pipeline = this.redis.pipeline();
    for (const [key, tally] of pending) {
      const redisKey = this.bucketKey(key, bucket);
      pipeline.hincrby(redisKey, 'calls', tally.calls);
      pipeline.hincrby(redisKey, 'failures', tally.failures);
      pipeline.hincrby(redisKey, 'okCount', tally.okCount);
      pipeline.hincrby(redisKey, 'okMs', Math.round(tally.okMs));
      pipeline.pexpire(redisKey, BUCKET_MS * (WINDOW_BUCKETS + 1));
    }
    await pipeline.exec();
  }

  async refresh(): Promise<void> {
    const now = Math.floor(Date.now() / BUCKET_MS);
    const buckets = Array.from({ length: WINDOW_BUCKETS }, (_, i) => now - i);
    const pipeline = this.redis.pipeline();
    for (const key of this.keys) for (const b of buckets) pipeline.hmget(this.bucketKey(key, b), 'calls', 'failures', 'okCount', 'okMs');
    const rows = ((await pipeline.exec()) ?? []).map(([, v]) => (v as (string | null)[]).map(Number));
    const next = new Map<string, HealthSample>();
    this.keys.forEach((key, k) => {
      const sum = [0, 0, 0, 0];
      for (let b = 0; b < buckets.length; b++) rows[k * buckets.length + b]?.forEach((v, i) => (sum[i]! += v || 0));
      const [calls = 0, failures = 0, okCount = 0, okMs = 0] = sum;
      next.set(key, { calls, failures, latencyMs: okCount > 0 ? okMs / okCount : null, errorRate: calls > 0 ? failures / calls : 0 });
    });
    this.snapshot = next;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }
}
