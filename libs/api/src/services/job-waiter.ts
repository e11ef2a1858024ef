import type { Principal } from '@voxq/auth';
import type { Config } from '@voxq/config';
import { isTerminal, type JobView } from '@voxq/contracts';
import { JobStore } from '@voxq/job-store';
import { createRedisConnection } from '@voxq/queues';
import type { Redis } from 'ioredis';
import type { JobService } from './job-service';

/** How often a waiting request re-reads the record anyway (a message lost in a reconnect). */
const POLL_MS = 1_000;

/**
 * Waits for jobs to finish, for the one-shot endpoints (`/v1/complete`, `/v1/chat/completions`, …).
 *
 * The job store publishes each job's final status on the job's own channel, in the same
 * script that writes it; a waiter subscribes to the channels of the jobs it waits for (one
 * subscriber connection per API process), so it hears about those jobs only: the cost does
 * not grow with the rest of the traffic (BullMQ's QueueEvents, used before, made every API
 * process read every event of every job). The record stays the source of truth: it is read
 * before waiting (the job may be done already), again once subscribed (it may have finished
 * in between), on each message, and every second as a safety net.
 */
export class JobWaiter {
  private readonly subscriber: Redis;
  private readonly waiters = new Map<string, Set<() => void>>();
  private closed = false;

  constructor(
    private readonly config: Config,
    private readonly jobs: JobService,
  ) {
    this.subscriber = createRedisConnection(config.redis.url, { maxRetriesPerRequest: null });
    this.subscriber.on('message', (channel: string) => {
      const jobId = channel.slice(channel.lastIndexOf(':job:') + 5, -':done'.length);
      this.waiters.get(jobId)?.forEach((fn) => fn());
    });
    // A Redis hiccup must not crash the API; the poll covers the gap until it reconnects
    // (ioredis re-subscribes on its own).
    this.subscriber.on('error', () => undefined);
  }

  private channel(jobId: string): string {
    return JobStore.doneChannel(this.config.redis.prefix, jobId);
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
        if (listeners.size === 0 && this.waiters.get(jobId) === listeners) {
          this.waiters.delete(jobId);
          void this.subscriber.unsubscribe(this.channel(jobId)).catch(() => undefined);
        }
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
      // Subscribed now: read again, in case the job finished before the subscription existed.
      const subscribed = listeners.size === 1 ? this.subscriber.subscribe(this.channel(jobId)) : Promise.resolve();
      void subscribed.catch(() => undefined).then(check);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscriber.disconnect();
  }
}

const shared = new WeakMap<JobService, JobWaiter>();

/**
 * The API process's one waiter (its subscriber connection is made once, on first use).
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
