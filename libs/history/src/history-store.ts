import type { Pool } from 'pg';
import type { JobView } from '@voxq/contracts';
import { getBatch, getScoresRun, listBatches, scoresRunTime, writeBatches, writeScoresRuns } from './batch-history';
import {
  getDelivery,
  listDeliveries,
  readAttemptLog,
  writeAttemptLogs,
  writeDeliveries,
  type AttemptLogToWrite,
  type DeliveryListOptions,
  type DeliveryWithEvent,
} from './delivery-history';
import type { HistoricAttempt, HistoricBatch, HistoricDelivery, HistoricJob, HistoricScoresRun, HistoryPage } from './history-rows';
import { createdAtOf, getJob, listJobs, writeJobs, type JobListOptions } from './job-history';
import { maintainPartitions, type MaintenanceReport } from './partitions';
import { historyCall } from './postgres-errors';
import { pastRetention } from './record-time';

export interface HistoryStoreOptions {
  /** Days a record is kept (`HISTORY_RETENTION_DAYS`). */
  retentionDays: number;
  /** Days ahead whose partitions `maintain` makes (`HISTORY_PARTITIONS_AHEAD_DAYS`). */
  partitionsAheadDays: number;
  /** @defaultValue the system clock */
  now?: () => Date;
}

/** What a batch write did: rows added, and records skipped because they were already past retention. */
export interface WriteOutcome {
  written: number;
  expired: number;
}

/**
 * Finished work in Postgres (docs/history.md): jobs, webhook deliveries and their attempt logs,
 * scores runs and batches, in tables partitioned by day. The mover writes batches of records
 * (each write idempotent: a batch written twice adds each row once); the read path reads a
 * record or a newest-first page with the same exact cursor the Redis stores use. Every read
 * is tenant-scoped. Errors are AppErrors: `service_unavailable` (retryable) when Postgres
 * cannot be reached, `internal_error` otherwise.
 */
export class HistoryStore {
  private readonly now: () => Date;

  constructor(
    private readonly pool: Pool,
    private readonly options: HistoryStoreOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Makes the coming days' partitions and drops those past retention; run at start and then hourly or so. */
  maintain(): Promise<MaintenanceReport> {
    const { retentionDays, partitionsAheadDays: daysAhead } = this.options;
    return historyCall(() => maintainPartitions(this.pool, { retentionDays, daysAhead }, this.now()));
  }

  /** Finished jobs, one statement per call; a job already there is left as it is. */
  writeJobs(jobs: readonly HistoricJob[]): Promise<WriteOutcome> {
    return this.write(
      jobs,
      (job) => createdAtOf(job.id),
      (kept) => writeJobs(this.pool, kept),
    );
  }

  /** A tenant's job, or null (none, or another tenant's); `input: true` reads its input too. */
  getJob(tenantId: string, id: string, options: { input?: boolean } = {}): Promise<JobView | null> {
    return historyCall(() => getJob(this.pool, tenantId, id, options));
  }

  listJobs(tenantId: string, options: JobListOptions): Promise<HistoryPage<JobView>> {
    return historyCall(() => listJobs(this.pool, tenantId, options));
  }

  /** Deliveries with their events; one already there is replaced only by a later version (a redelivery that ended). */
  writeDeliveries(deliveries: readonly DeliveryWithEvent[]): Promise<WriteOutcome> {
    return this.write(
      deliveries,
      (d) => createdAtOf(d.delivery.id),
      (kept) => writeDeliveries(this.pool, kept),
    );
  }

  getDelivery(tenantId: string, id: string): Promise<DeliveryWithEvent | null> {
    return historyCall(() => getDelivery(this.pool, tenantId, id));
  }

  listDeliveries(tenantId: string, options: DeliveryListOptions): Promise<HistoryPage<HistoricDelivery>> {
    return historyCall(() => listDeliveries(this.pool, tenantId, options));
  }

  /** Subjects' attempt logs (`GET /v1/jobs/:id/deliveries`, a delivery's attempts); `written` counts lines. */
  writeAttemptLogs(logs: readonly AttemptLogToWrite[]): Promise<WriteOutcome> {
    return this.write(
      logs,
      (log) => createdAtOf(log.subjectId),
      (kept) => writeAttemptLogs(this.pool, kept),
    );
  }

  /** A subject's attempt log, newest first. */
  readAttemptLog(tenantId: string, subjectId: string, limit?: number): Promise<HistoricAttempt[]> {
    return historyCall(() => readAttemptLog(this.pool, tenantId, subjectId, limit));
  }

  writeScoresRuns(runs: readonly HistoricScoresRun[]): Promise<WriteOutcome> {
    return this.write(runs, scoresRunTime, (kept) => writeScoresRuns(this.pool, kept));
  }

  getScoresRun(tenantId: string, id: string): Promise<HistoricScoresRun | null> {
    return historyCall(() => getScoresRun(this.pool, tenantId, id));
  }

  writeBatches(batches: readonly HistoricBatch[]): Promise<WriteOutcome> {
    return this.write(
      batches,
      (b) => createdAtOf(b.batch.id),
      (kept) => writeBatches(this.pool, kept),
    );
  }

  getBatch(tenantId: string, id: string): Promise<HistoricBatch | null> {
    return historyCall(() => getBatch(this.pool, tenantId, id));
  }

  listBatches(tenantId: string, options: { limit: number; after?: string | undefined }): Promise<HistoryPage<HistoricBatch>> {
    return historyCall(() => listBatches(this.pool, tenantId, options));
  }

  /**
   * Records already past retention are not written: their partition is gone (or about to go),
   * and they would only be deleted again. The mover may drop them from Redis all the same.
   */
  private write<T>(items: readonly T[], createdAt: (item: T) => Date, insert: (kept: T[]) => Promise<number>): Promise<WriteOutcome> {
    return historyCall(async () => {
      const now = this.now().getTime();
      const kept = items.filter((item) => !pastRetention(createdAt(item).getTime(), now, this.options.retentionDays));
      return { written: await insert(kept), expired: items.length - kept.length };
    });
  }
}
