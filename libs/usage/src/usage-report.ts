import type { RedisClient } from '@voxq/redis-keys';
import { USAGE_MAX_RANGE_DAYS, type UsageQuery } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import type { KeyShards } from '@voxq/redis-keys';
import { summarizeUsage, type PriceOf, type UsageTotals } from './usage-cost';
import { utcDay } from './usage-meter';

const DAY_MS = 24 * 3600 * 1000;

/** The UTC days a usage query covers, first and last included. */
export interface UsageRange {
  from: string;
  to: string;
}

/**
 * The days `from` to `to` cover (defaults: the current UTC month up to today), or a 400 when
 * `from` is after `to` or they span more days than the counters are kept.
 */
export function usageRangeOf(query: UsageQuery, now = new Date()): UsageRange {
  const from = utcDay(query.from ?? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)));
  const to = utcDay(query.to ?? now);
  if (from > to) throw errors.invalidRequest(`from (${from}) is after to (${to}).`, 'from');
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (days > USAGE_MAX_RANGE_DAYS) {
    throw errors.invalidRequest(`from ${from} to ${to} spans ${days} days; ask for at most ${USAGE_MAX_RANGE_DAYS} (usage is kept that long).`, 'from');
  }
  return { from, to };
}

/** Every UTC day label from `from` to `to`, both included. */
export function daysOf(range: UsageRange): string[] {
  const out: string[] = [];
  for (let t = Date.parse(range.from); t <= Date.parse(range.to); t += DAY_MS) out.push(utcDay(new Date(t)));
  return out;
}

/** Reads a tenant's day counters for a range (one pipeline) and prices them with the current catalog. */
export class UsageReport {
  constructor(
    private readonly redis: RedisClient,
    private readonly shards: KeyShards,
    private readonly priceOf: PriceOf,
  ) {}

  /** Each shard counts the jobs it holds: one pipeline per shard (a pipeline stays on one slot), summed. */
  async read(tenantId: string, range: UsageRange): Promise<UsageTotals> {
    const perShard = await Promise.all(
      this.shards.all().map(async (k) => {
        const pipeline = this.redis.pipeline();
        for (const day of daysOf(range)) pipeline.hgetall(this.shards.keysOf(k).metering.day(tenantId, day));
        const replies = (await pipeline.exec()) ?? [];
        return replies.map(([error, value]) => {
          if (error) throw error;
          return value as Record<string, string>;
        });
      }),
    );
    return summarizeUsage(perShard.flat(), this.priceOf);
  }
}
