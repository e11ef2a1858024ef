import { QueueEvents } from 'bullmq';
import type { Principal } from '@voxq/auth';
import type { Config } from '@voxq/config';
import { isTerminal, JOB_TYPES, type JobType, type JobView } from '@voxq/contracts';
import { bullPrefix, createRedisConnection, QUEUE_NAMES } from '@voxq/queues';
import type { Redis } from 'ioredis';
import type { JobService } from './job-service';

/** How often a waiting request re-reads the record anyway (a missed event, a cancel). */
const POLL_MS = 1_000;

/**
 * Waits for jobs to finish, for the one-shot endpoints (`/v1/complete`, `/v1/chat/completions`, …).
 *
 * BullMQ's `QueueEvents` (one per job queue, each on a connection of its own, as its blocking
 * XREAD needs) say when a job completed or failed; the job record stays the source of truth:
 * it is read before waiting (the job may be done already), again once subscribed (it may
 * have finished in between: the race), on every event for the job, and every second as a
 * safety net (cancellations emit no completed/failed event).
 */
export class JobWaiter {
  private readonly events: QueueEvents[];
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly ready: Promise<unknown>;
  private closed = false;

  constructor(
    config: Config,
    private readonly jobs: JobService,
  ) {
    const prefix = bullPrefix(config.redis.prefix);
    this.events = JOB_TYPES.map((type: JobType) => {
      // A template: QueueEvents duplicates it into a connection of its own (and closes that);
      // lazyConnect keeps the template itself from ever connecting.
      const connection = createRedisConnection(config.redis.url, { maxRetriesPerRequest: null, lazyConnect: true });
      const events = new QueueEvents(QUEUE_NAMES[type], { connection, prefix });
      const wake = ({ jobId }: { jobId: string }) => this.waiters.get(jobId)?.forEach((fn) => fn());
      events.on('completed', wake);
      events.on('failed', wake);
      // A Redis hiccup must not crash the API; the poll covers the gap until it reconnects.
      events.on('error', () => undefined);
      return events;
    });
    this.ready = Promise.all(this.events.map((e) => e.waitUntilReady().catch(() => undefined)));
  }

  /**
   * The job once terminal, or its latest view after `timeoutMs` (still queued or active).
   * `signal` ends the wait early (the client went away).
   */
  async waitForJob(principal: Principal, jobId: string, timeoutMs: number, signal?: AbortSignal): Promise<JobView> {
    let view = await this.jobs.get(principal, jobId);
    if (isTerminal(view.status) || timeoutMs <= 0 || this.closed) return view;

    return new Promise<JobView>((resolve, reject) => {
      let settled = false;
      let checking = false;
      let again = false;
      const listeners = this.waiters.get(jobId) ?? new Set<() => void>();
      this.waiters.set(jobId, listeners);

      const finish = (outcome: { view: JobView } | { error: unknown }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(poll);
        signal?.removeEventListener('abort', onAbort);
        listeners.delete(check);
        if (listeners.size === 0) this.waiters.delete(jobId);
        if ('view' in outcome) resolve(outcome.view);
        else reject(outcome.error);
      };
      // One read at a time; an event during a read triggers one more read after it.
      const check = () => {
        if (settled) return;
        if (checking) return void (again = true);
        checking = true;
        this.jobs.get(principal, jobId).then(
          (latest) => {
            checking = false;
            view = latest;
            if (isTerminal(latest.status)) return finish({ view: latest });
            if (again) {
              again = false;
              check();
            }
          },
          (error: unknown) => {
            checking = false;
            finish({ error });
          },
        );
      };
      const onAbort = () => finish({ view });
      const timer = setTimeout(() => finish({ view }), timeoutMs);
      const poll = setInterval(check, POLL_MS);
      signal?.addEventListener('abort', onAbort, { once: true });
      listeners.add(check);
      // Subscribed now: read again, in case the job finished before the listener existed.
      void this.ready.then(check);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.events.map((events) => events.close().catch(() => undefined)));
  }
}

const shared = new WeakMap<JobService, JobWaiter>();

/**
 * The API process's one waiter (its QueueEvents connections are made once, on first use).
 * It lives as long as the API's Redis connection: when that ends (the server closing), the
 * waiter closes too.
 */
export function jobWaiterFor(deps: { config: Config; jobs: JobService; redis: Redis }): () => JobWaiter {
  return () => {
    let waiter = shared.get(deps.jobs);
    if (!waiter) {
      waiter = new JobWaiter(deps.config, deps.jobs);
      shared.set(deps.jobs, waiter);
      const w = waiter;
      deps.redis.once('end', () => void w.close());
    }
    return waiter;
  };
}
