import type { RedisClient } from '@voxq/redis-keys';
import { USAGE_MAX_RANGE_DAYS, type JobType } from '@voxq/contracts';
import { defineScripts, type KeyShards } from '@voxq/redis-keys';
import { counterField, usageOfResult, type UsageMetric } from './job-usage';
import recordLua from './scripts/usage-record.lua';

/** Day counters are kept this long after their day: `GET /v1/usage` reads back at most this far. */
export const USAGE_RETENTION_DAYS = USAGE_MAX_RANGE_DAYS;

const DAY_MS = 24 * 3600 * 1000;

/** A UTC day's label, `YYYY-MM-DD`. */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/** The finished job whose usage is recorded. */
export interface MeteredJob {
  id: string;
  tenantId: string;
  type: JobType;
  /** When it finished: the UTC day it is counted under. */
  finishedAt: Date;
  result: unknown;
}

interface MeterScripts {
  voxqRecordUsage(markerKey: string, dayKey: string, markerTtl: number, expireAt: number, ...pairs: Array<string | number>): Promise<number>;
}

/**
 * Counts what completed jobs used, per tenant and UTC day, by capability and provider (one
 * hash per tenant-day). Recording is once per job id: the worker records right after storing
 * the result, and again when a re-run finds the job already completed (the worker died in
 * between); the marker makes the second a no-op, so a job counts exactly once.
 */
export class UsageMeter {
  private readonly redis: RedisClient & MeterScripts;

  constructor(
    redis: RedisClient,
    private readonly shards: KeyShards,
    /** How long a job's "recorded" marker lives: as long as its record, since a re-run reads the record. */
    private readonly markerTtlSeconds: number,
  ) {
    this.redis = defineScripts<MeterScripts>(redis, { voxqRecordUsage: { keys: 2, lua: recordLua } });
  }

  /** Records the job's usage; false when there was nothing to count or it was already recorded. */
  async record(job: MeteredJob): Promise<boolean> {
    const usage = usageOfResult(job.type, job.result);
    if (!usage) return false;
    const pairs = Object.entries(usage.counts)
      .filter(([, n]) => n > 0)
      .flatMap(([metric, n]) => [counterField(usage.capability, usage.provider, metric as UsageMetric), n]);
    const day = utcDay(job.finishedAt);
    const expireAt = Math.floor((Date.parse(day) + (USAGE_RETENTION_DAYS + 1) * DAY_MS) / 1000);
    const recorded = await this.redis.voxqRecordUsage(
      // The job's marker and the day it adds to are in the job's shard: one slot, one script.
      this.shards.keysFor(job.id).metering.recorded(job.id),
      this.shards.keysFor(job.id).metering.day(job.tenantId, day),
      Math.max(1, this.markerTtlSeconds),
      expireAt,
      ...pairs,
    );
    return recorded === 1;
  }
}
