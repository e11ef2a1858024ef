import type { Redis } from 'ioredis';
import { errors } from '@voxq/errors';
import { tenantKey } from './api-keys';

/** The tenant hash field holding its own monthly allowance (absent = the default). */
const ALLOWANCE_FIELD = 'monthlyJobAllowance';

/** Counters outlive their month by this much, so last month's usage can still be read. */
const KEEP_AFTER_PERIOD_SECONDS = 40 * 24 * 3600;

/** One UTC calendar month: its label (`2026-11`) and when it starts and ends. */
export interface UsagePeriod {
  period: string;
  startsAt: Date;
  endsAt: Date;
}

export function usagePeriodOf(now: Date): UsagePeriod {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  return {
    period: `${year}-${String(month + 1).padStart(2, '0')}`,
    startsAt: new Date(Date.UTC(year, month, 1)),
    endsAt: new Date(Date.UTC(year, month + 1, 1)),
  };
}

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

/**
 * KEYS: the month's counter, the tenant hash, and optionally a charge marker. ARGV: jobs to
 * charge, the default allowance, the counter's expiry (unix seconds). Reads the allowance and
 * charges in one step, so concurrent requests can never together pass it; with a marker, a
 * charge already made under it is not made again (and the marker is set with the charge).
 * Returns {charged 1|0, used, allowance}.
 */
const CHARGE_SCRIPT = `
if #KEYS > 2 and redis.call('EXISTS', KEYS[3]) == 1 then return {1, -1, -1} end
local allowance = tonumber(redis.call('HGET', KEYS[2], '${ALLOWANCE_FIELD}') or ARGV[2])
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local n = tonumber(ARGV[1])
if allowance > 0 and used + n > allowance then return {0, used, allowance} end
used = redis.call('INCRBY', KEYS[1], n)
redis.call('EXPIREAT', KEYS[1], ARGV[3])
if #KEYS > 2 then redis.call('SET', KEYS[3], n, 'EXAT', ARGV[3]) end
return {1, used, allowance}
`;

/** KEYS: the month's counter. ARGV: jobs to give back. Never goes below zero. */
const REFUND_SCRIPT = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local n = math.min(tonumber(ARGV[1]), used)
if n <= 0 then return used end
return redis.call('DECRBY', KEYS[1], n)
`;

type Scripts = {
  voxqChargeUsage(keyCount: number, ...args: Array<string | number>): Promise<[number, number, number]>;
  voxqRefundUsage(counter: string, n: number): Promise<number>;
};

/**
 * Jobs per tenant per UTC calendar month. The API charges a request's new jobs before it
 * queues any (`charge` throws the 402 when they do not fit, and charges nothing); a batch
 * may charge all its lines at validation and submit them with `charged: true`.
 */
export class UsageAllowance {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Jobs per month for tenants without their own allowance; 0 = unlimited. */
    private readonly defaultAllowance: number,
  ) {
    if (!('voxqChargeUsage' in redis)) {
      // The key count travels with each call: 2, or 3 with a charge marker.
      redis.defineCommand('voxqChargeUsage', { lua: CHARGE_SCRIPT });
      redis.defineCommand('voxqRefundUsage', { numberOfKeys: 1, lua: REFUND_SCRIPT });
    }
  }

  private get scripts(): Scripts {
    return this.redis as unknown as Scripts;
  }

  private counter(tenantId: string, period: string): string {
    return `${this.prefix}:usage:${tenantId}:jobs:${period}`;
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
    const keys = [this.counter(tenantId, period), tenantKey(this.prefix, tenantId), ...(chargeId ? [`${this.prefix}:usage:${tenantId}:charge:${chargeId}`] : [])];
    const [charged, used, allowance] = await this.scripts.voxqChargeUsage(keys.length, ...keys, n, this.defaultAllowance, expireAt);
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
    await this.scripts.voxqRefundUsage(this.counter(tenantId, usagePeriodOf(now).period), n);
  }

  async usage(tenantId: string, now = new Date()): Promise<TenantUsage> {
    const { period, endsAt } = usagePeriodOf(now);
    const [used, own] = await Promise.all([this.redis.get(this.counter(tenantId, period)), this.redis.hget(tenantKey(this.prefix, tenantId), ALLOWANCE_FIELD)]);
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
    const tenant = tenantKey(this.prefix, tenantId);
    if (!(await this.redis.hexists(tenant, 'id'))) return false;
    if (jobs === null) await this.redis.hdel(tenant, ALLOWANCE_FIELD);
    else await this.redis.hset(tenant, ALLOWANCE_FIELD, String(jobs));
    return true;
  }
}
