import { randomUUID } from 'node:crypto';
import type { JobView } from '@voxq/contracts';
import { toJobView, type HistoryHandoff } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import { recordHistoryMoved, recordHistoryMoveFailure, watchHistoryBacklog } from '@voxq/metrics';
import type { ScoresRun, ScoresRunHandoff } from '@voxq/providers';

/** Where finished records go: the history tier's idempotent batch writes (`libs/history`'s HistoryStore). */
export interface HistoryWriter {
  writeJobs(jobs: ReadonlyArray<JobView & { tenantId: string }>): Promise<unknown>;
  writeScoresRuns(runs: readonly ScoresRun[]): Promise<unknown>;
}

/**
 * One kind of record the mover moves, shard by shard: take a batch, copy it to the history
 * tier, and only then release it from Redis. A lane keeps its own pending set and lease per
 * shard; `move` must be safe to repeat after a crash between the copy and the release (the
 * history tier's writes are idempotent).
 */
export interface HistoryLane {
  /** What it moves, as `voxq_history_moved_total` labels it: jobs, deliveries, batches, scores_runs. */
  kind: string;
  shards: readonly number[];
  lease(shard: number, token: string, ms: number): Promise<boolean>;
  unlease(shard: number, token: string): Promise<void>;
  /** Copies up to `limit` waiting records and releases them; returns how many were taken (0: none waits). */
  move(shard: number, limit: number): Promise<number>;
}

export interface HistoryMoverOptions {
  shards: number[];
  /** Records per history write (one statement). */
  batchSize: number;
  /**
   * History writes in flight at once: a round takes `batchSize × parallelWrites` records of a
   * shard in one Redis read, writes them in that many statements at once, then releases them
   * in one script. Postgres takes several concurrent inserts faster than one after another.
   * @defaultValue 4
   */
  parallelWrites?: number;
  /** Pause between rounds when nothing waits (and after a failure, doubled up to 30 s). */
  idleMs: number;
  logger: Logger;
  /** Scores runs move too when given (the worker's router keeps them for history). */
  scoresRuns?: ScoresRunHandoff;
  /** Further kinds of record (webhook deliveries, batches), moved after jobs and scores runs. */
  lanes?: readonly HistoryLane[];
}

/** A shard's lease lasts this long; a mover holding it moves for at most half of it per round. */
const LEASE_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * Moves finished job records (and scores runs) from Redis to the history tier, shard by shard,
 * oldest first. Every worker process runs one; a lease per shard lets one move it at a time
 * (two would only write the same rows twice). Copy first, release second: a crash in between
 * means the next round copies the same records again, and the history tier's write keeps one
 * row each. When the history tier is down, records wait in Redis (`voxq_history_pending_jobs`)
 * and the mover backs off and tries again; nothing is dropped.
 */
export class HistoryMover {
  private readonly token = randomUUID();
  private readonly lanes: HistoryLane[];
  private stopped = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly handoff: HistoryHandoff,
    writer: HistoryWriter,
    private readonly options: HistoryMoverOptions,
  ) {
    this.lanes = [jobLane(handoff, writer, options.shards, options.batchSize)];
    if (options.scoresRuns) this.lanes.push(scoresRunLane(options.scoresRuns, writer));
    this.lanes.push(...(options.lanes ?? []));
  }

  start(): void {
    watchHistoryBacklog(() => this.handoff.backlog());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /** One pass over every lane and shard this process can lease; returns how many records moved. */
  async moveOnce(): Promise<number> {
    let moved = 0;
    for (const lane of this.lanes) {
      for (const shard of lane.shards) {
        if (this.stopped || !(await lane.lease(shard, this.token, LEASE_MS))) continue;
        try {
          const until = Date.now() + LEASE_MS / 2;
          const limit = this.options.batchSize * (this.options.parallelWrites ?? 4);
          while (!this.stopped && Date.now() < until) {
            const n = await lane.move(shard, limit);
            if (n > 0) recordHistoryMoved(lane.kind, n);
            moved += n;
            if (n < limit) break;
          }
        } finally {
          await lane.unlease(shard, this.token).catch(() => undefined);
        }
      }
    }
    return moved;
  }

  private async run(): Promise<void> {
    let backoff = this.options.idleMs;
    while (!this.stopped) {
      try {
        const moved = await this.moveOnce();
        backoff = this.options.idleMs;
        if (moved > 0) continue;
      } catch (err) {
        recordHistoryMoveFailure();
        this.options.logger.warn({ err, retryInMs: backoff }, 'history mover: batch not moved, trying again');
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        this.wake = () => (clearTimeout(timer), resolve());
      });
    }
  }
}

function jobLane(handoff: HistoryHandoff, writer: HistoryWriter, shards: readonly number[], statementSize: number): HistoryLane {
  return {
    kind: 'jobs',
    shards,
    lease: (shard, token, ms) => handoff.lease(shard, token, ms),
    unlease: (shard, token) => handoff.unlease(shard, token),
    async move(shard, limit) {
      const batch = await handoff.take(shard, limit);
      if (!batch) return 0;
      // The input moves too (its own column), so `include=input` answers for a job only Postgres holds.
      const jobs = batch.records.map((record) => ({ ...toJobView(record, { input: true }), tenantId: record.tenantId }));
      const statements: Array<typeof jobs> = [];
      for (let i = 0; i < jobs.length; i += statementSize) statements.push(jobs.slice(i, i + statementSize));
      // All written before any is released: a failure leaves the whole round waiting, to be written again.
      await Promise.all(statements.map((chunk) => writer.writeJobs(chunk)));
      await handoff.release(batch);
      return batch.finishedAt.size;
    },
  };
}

function scoresRunLane(handoff: ScoresRunHandoff, writer: HistoryWriter): HistoryLane {
  return {
    kind: 'scores_runs',
    shards: [0],
    lease: (_shard, token, ms) => handoff.lease(token, ms),
    unlease: (_shard, token) => handoff.unlease(token),
    async move(_shard, limit) {
      const batch = await handoff.take(limit);
      if (!batch) return 0;
      await writer.writeScoresRuns(batch.runs);
      await handoff.release(batch);
      return batch.ids.length;
    },
  };
}
