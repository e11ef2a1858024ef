import type { RedisClient } from '@voxq/redis-keys';
import { errors } from '@voxq/errors';
import { Coalescer, defineScripts, redisKeys, type RedisKeys } from '@voxq/redis-keys';
import chargeLua from './scripts/usage-charge.lua';
import chargeManyLua from './scripts/usage-charge-many.lua';
import { usagePeriodOf } from './usage-period';
import refundLua from './scripts/usage-refund.lua';

/** The tenant hash field holding its own monthly allowance (absent = the default); usage-charge.lua reads it too. */
export const ALLOWANCE_FIELD = 'monthlyJobAllowance';

/** Counters outlive their month by this much, so last month's usage can still be read. */
const KEEP_AFTER_PERIOD_SECONDS = 40 * 24 * 3600;

export interface TenantUsage {
  /** The UTC calendar month, `YYYY-MM`. */
  period: string;
  /** Jobs charged this month. */
  jobs: number;
  /** Jobs allowed this month; null = unlimited. */
  allowance: number | null;
  /** Jobs left this month; null = unlimited. */
  remaining: number | null;
  /** When the next month's allowance starts (ISO 8601). */
  resetsAt: string;
}

interface UsageScripts {
  voxqChargeUsage(keyCount: number, ...args: Array<string | number>): Promise<[number, number, number]>;
  voxqRefundUsage(counter: string, n: number): Promise<number>;
  voxqChargeUsageMany(counter: string, tenant: string, ...args: Array<string | number>): Promise<Array<[number, number, number]>>;
}

/** A charge waiting for its tenant's batch. */
interface Charge {
  n: number;
  expireAt: number;
}

/**
 * Jobs per tenant per UTC calendar month. The API charges a request's new jobs before it
 * queues any (`charge` throws the 402 when they do not fit, and charges nothing); a batch
 * may charge all its lines at validation and submit them with `charged: true`.
 */
export class UsageAllowance {
  private readonly redis: RedisClient & UsageScripts;
  private readonly keys: RedisKeys['auth'];

  constructor(
    redis: RedisClient,
    prefix: string,
    /** Jobs per month for tenants without their own allowance; 0 = unlimited. */
    private readonly defaultAllowance: number,
  ) {
    this.redis = defineScripts<UsageScripts>(redis, {
      // The key count travels with each call: 2, or 3 with a charge marker.
      voxqChargeUsage: { lua: chargeLua },
      voxqRefundUsage: { keys: 1, lua: refundLua },
      voxqChargeUsageMany: { keys: 2, lua: chargeManyLua },
    });
    this.keys = redisKeys(prefix).auth;
  }

  /** Charges without a marker, a tenant's (and month's) worth at a time (`usage-charge-many.lua`). */
  private readonly charges = new Coalescer<string, Charge, [number, number, number]>((group, batch) => {
    const [tenantId, period] = JSON.parse(group) as [string, string];
    return this.redis.voxqChargeUsageMany(
      this.counter(tenantId, period),
      this.keys.tenant(tenantId),
      this.defaultAllowance,
      batch[0]!.expireAt,
      ...batch.map((c) => c.n),
    );
  });

  private counter(tenantId: string, period: string): string {
    return this.keys.usageCounter(tenantId, period);
  }

  /**
   * Charges `n` jobs to this month, or throws `allowance_exhausted` (402) and charges nothing.
   * `chargeId` makes it once-only: a repeat with the same id (a batch's runner re-running its
   * validation step after a crash) charges nothing more.
   */
  async charge(tenantId: string, n: number, now = new Date(), chargeId?: string): Promise<void> {
    if (n <= 0) return;
    const { period, endsAt } = usagePeriodOf(now);
    const expireAt = Math.floor(endsAt.getTime() / 1000) + KEEP_AFTER_PERIOD_SECONDS;
    let reply: [number, number, number];
    if (chargeId) {
      const keys = [this.counter(tenantId, period), this.keys.tenant(tenantId), this.keys.usageCharge(tenantId, chargeId)];
      reply = await this.redis.voxqChargeUsage(keys.length, ...keys, n, this.defaultAllowance, expireAt);
    } else {
      // Concurrent requests of a tenant share one read of its allowance and one increment.
      reply = await this.charges.add(JSON.stringify([tenantId, period]), { n, expireAt });
    }
    const [charged, used, allowance] = reply;
    if (charged === 1) return;
    const left = Math.max(0, allowance - used);
    throw errors.allowanceExhausted(
      `Usage allowance exhausted: ${left} of ${allowance} jobs left for ${period} and this request needs ${n}. ` +
        `Nothing was queued. Upgrade or add credits, or wait for the allowance to reset on ${endsAt.toISOString()}.`,
    );
  }

  /** Gives back `n` jobs charged this month (a request that failed before queueing them). */
  async refund(tenantId: string, n: number, now = new Date()): Promise<void> {
    if (n <= 0) return;
    await this.redis.voxqRefundUsage(this.counter(tenantId, usagePeriodOf(now).period), n);
  }

  async usage(tenantId: string, now = new Date()): Promise<TenantUsage> {
    const { period, endsAt } = usagePeriodOf(now);
    const [used, own] = await Promise.all([this.redis.get(this.counter(tenantId, period)), this.redis.hget(this.keys.tenant(tenantId), ALLOWANCE_FIELD)]);
    const jobs = Number(used ?? 0);
    const allowance = own === null ? this.defaultAllowance : Number(own);
    return {
      period,
      jobs,
      allowance: allowance === 0 ? null : allowance,
      remaining: allowance === 0 ? null : Math.max(0, allowance - jobs),
      resetsAt: endsAt.toISOString(),
    };
  }

  /**
   * Sets a tenant's own monthly allowance (0 = unlimited), or (null) returns it to the
   * default; false when the tenant has never had a key.
   */
  async setAllowance(tenantId: string, jobs: number | null): Promise<boolean> {
    if (jobs !== null && !(Number.isSafeInteger(jobs) && jobs >= 0)) throw new Error(`Invalid allowance '${jobs}': use a whole number, 0 (unlimited) or more.`);
    const tenant = this.keys.tenant(tenantId);
    if (!(await this.redis.hexists(tenant, 'id'))) return false;
    if (jobs === null) await this.redis.hdel(tenant, ALLOWANCE_FIELD);
    else await this.redis.hset(tenant, ALLOWANCE_FIELD, String(jobs));
    return true;
  }
}
