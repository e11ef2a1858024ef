import { randomUUID } from 'node:crypto';
import type { JobView } from '@voxq/contracts';
import { toJobView, type HistoryHandoff } from '@voxq/job-store';
import type { Logger } from '@voxq/logging';
import { recordHistoryMoved, recordHistoryMoveFailure, watchHistoryBacklog } from '@voxq/metrics';

/** Where finished records go: the history tier's idempotent batch write (`libs/history`'s HistoryStore), as views with their tenant. */
export interface JobHistoryWriter {
  writeJobs(jobs: ReadonlyArray<JobView & { tenantId: string }>): Promise<unknown>;
}

export interface HistoryMoverOptions {
  shards: number[];
  /** Records per batch: one Redis read, one history write, one Redis release. */
  batchSize: number;
  /** Pause between rounds when nothing waits (and after a failure, doubled up to 30 s). */
  idleMs: number;
  logger: Logger;
}

/** A shard's lease lasts this long; a mover holding it moves for at most half of it per round. */
const LEASE_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * Moves finished job records from Redis to the history tier, shard by shard, oldest first.
 * Every worker process runs one; a lease per shard lets one move it at a time (two would only
 * write the same rows twice). Copy first, release second: a crash in between means the next
 * round copies the same records again, and the history tier's write keeps one row each. When
 * the history tier is down, records wait in Redis (`voxq_history_pending_jobs`) and the mover
 * backs off and tries again; nothing is dropped.
 */
export class HistoryMover {
  private readonly token = randomUUID();
  private stopped = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly handoff: HistoryHandoff,
    private readonly writer: JobHistoryWriter,
    private readonly options: HistoryMoverOptions,
  ) {}

  start(): void {
    watchHistoryBacklog(() => this.handoff.backlog());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /** One pass over every shard this process can lease; returns how many records moved. */
  async moveOnce(): Promise<number> {
    let moved = 0;
    for (const shard of this.options.shards) {
      if (this.stopped || !(await this.handoff.lease(shard, this.token, LEASE_MS))) continue;
      try {
        const until = Date.now() + LEASE_MS / 2;
        while (!this.stopped && Date.now() < until) {
          const batch = await this.handoff.take(shard, this.options.batchSize);
          if (!batch) break;
          await this.writer.writeJobs(batch.records.map((record) => ({ ...toJobView(record), tenantId: record.tenantId })));
          await this.handoff.release(batch);
          moved += batch.finishedAt.size;
          recordHistoryMoved(batch.finishedAt.size);
          if (batch.finishedAt.size < this.options.batchSize) break;
        }
      } finally {
        await this.handoff.unlease(shard, this.token).catch(() => undefined);
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
