import { errors } from '@voxq/errors';

/** How stale the count may be: the bound is a guard against hours of outage, not a precise quota. */
const REFRESH_MS = 1000;

/**
 * Refuses new submissions (503, retryable) while more than `max` finished jobs wait in Redis
 * for the history tier. Without a bound, a long enough Postgres outage fills Redis, and then
 * every write fails, queued and running work included; with it, Redis's growth stops at about
 * `max` records and accepted work goes on. The count is read at most once a second per
 * process and shared by the requests meanwhile, so a busy intake pays no Redis command per job.
 */
export class HistoryBacklogGate {
  private counted = 0;
  private countedAt = -Infinity;
  private counting: Promise<void> | null = null;

  constructor(
    private readonly backlog: { waiting(): Promise<number> },
    /** 0: no bound. */
    private readonly max: number,
    private readonly now: () => number = Date.now,
  ) {}

  async admit(): Promise<void> {
    if (this.max === 0) return;
    if (this.now() - this.countedAt >= REFRESH_MS) await (this.counting ??= this.count());
    if (this.counted >= this.max) throw errors.historyBacklogFull(this.counted, this.max);
  }

  private async count(): Promise<void> {
    try {
      this.counted = await this.backlog.waiting();
      this.countedAt = this.now();
    } finally {
      this.counting = null;
    }
  }
}
