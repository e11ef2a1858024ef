import { USAGE_MAX_RANGE_DAYS, type JobType } from '@voxq/contracts';
import type { KeyShards } from '@voxq/redis-keys';
import { counterField, usageOfResult, type UsageMetric } from './job-usage';

/** Day counters are kept this long after their day: `GET /v1/usage` reads back at most this far. */
export const USAGE_RETENTION_DAYS = USAGE_MAX_RANGE_DAYS;

const DAY_MS = 24 * 3600 * 1000;

/** A UTC day's label, `YYYY-MM-DD`. */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/** The finished job whose usage is counted. */
export interface MeteredJob {
  id: string;
  tenantId: string;
  type: JobType;
  /** When it finished: the UTC day it is counted under. */
  finishedAt: Date;
  result: unknown;
}

/** Hash fields to add to, in the job's shard, and when the hash expires (unix seconds). */
export interface UsageCounters {
  key: string;
  expireAt: number;
  increments: Array<[field: string, by: number]>;
}

/**
 * Counts what completed jobs used, per tenant and UTC day, by capability and provider (one
 * hash per tenant-day). The meter says what to add; the job's record adds it in the step that
 * completes the job (`JobStore.complete`'s `counters`), so a job counts exactly once with no
 * marker and no round trip of its own.
 */
export class UsageMeter {
  constructor(private readonly shards: KeyShards) {}

  /** What the job's result adds to its tenant's day, or null when there is nothing to count. */
  counters(job: MeteredJob): UsageCounters | null {
    const usage = usageOfResult(job.type, job.result);
    if (!usage) return null;
    const increments = Object.entries(usage.counts)
      .filter(([, n]) => n > 0)
      .map(([metric, n]): [string, number] => [counterField(usage.capability, usage.provider, metric as UsageMetric), n]);
    const day = utcDay(job.finishedAt);
    return {
      // The day it adds to is in the job's shard: one slot with the record, one script.
      key: this.shards.keysFor(job.id).metering.day(job.tenantId, day),
      expireAt: Math.floor((Date.parse(day) + (USAGE_RETENTION_DAYS + 1) * DAY_MS) / 1000),
      increments,
    };
  }
}

/** A realtime session that ended: what it adds to its tenant's day. */
export interface MeteredSession {
  tenantId: string;
  provider: string;
  endedAt: Date;
  durationMs: number;
}

/**
 * What a realtime session adds to its tenant's day: one session and its length (`session_ms`,
 * priced per session minute). Sessions are no job of any shard: they count in shard 0, which
 * `UsageReport` sums with the others.
 */
export function sessionCounters(shards: KeyShards, session: MeteredSession): UsageCounters {
  const day = utcDay(session.endedAt);
  return {
    key: shards.keysOf(0).metering.day(session.tenantId, day),
    expireAt: Math.floor((Date.parse(day) + (USAGE_RETENTION_DAYS + 1) * DAY_MS) / 1000),
    increments: [
      [counterField('realtime', session.provider, 'sessions'), 1],
      [counterField('realtime', session.provider, 'session_ms'), Math.max(0, Math.round(session.durationMs))],
    ],
  };
}
