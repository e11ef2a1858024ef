import type { Principal } from '@voxq/auth';
import type { Config } from '@voxq/config';
import { isTerminal, type JobView } from '@voxq/contracts';
import { KeyShards } from '@voxq/redis-keys';
import type { JobChannels } from './job-channels';
import type { JobService } from './job-service';

/** How often a waiting request re-reads the record anyway (a message lost in a reconnect). */
const POLL_MS = 1_000;

/**
 * Waits for jobs to finish, for the one-shot endpoints (`/v1/complete`, `/v1/chat/completions`, …).
 *
 * The job store publishes each job's final status on the job's own channel, in the same
 * script that writes it, once the job is marked watched; a waiter marks the job and listens
 * on the channels of the jobs it waits for (one
 * subscriber connection per API process), so it hears about those jobs only: the cost does
 * not grow with the rest of the traffic (BullMQ's QueueEvents, used before, made every API
 * process read every event of every job). The record stays the source of truth: it is read
 * before waiting (the job may be done already), again once subscribed (it may have finished
 * in between), on each message, and every second as a safety net.
 */
export class JobWaiter {
  constructor(
    private readonly config: Config,
    private readonly jobs: JobService,
    private readonly channels: JobChannels,
  ) {}

  /**
   * The job once terminal, or its latest view after `timeoutMs` (still queued or active).
   * `signal` ends the wait early (the client went away).
   */
  async waitForJob(principal: Principal, jobId: string, timeoutMs: number, signal?: AbortSignal): Promise<JobView> {
    const view = await this.jobs.get(principal, jobId);
    if (isTerminal(view.status) || timeoutMs <= 0) return view;

    return new Promise<JobView>((resolve, reject) => {
      let latest = view;
      let settled = false;
      let checking = false;
      let again = false;
      let stopListening = () => {};
      const finish = (outcome: { view: JobView } | { error: unknown }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(poll);
        signal?.removeEventListener('abort', onAbort);
        stopListening();
        if ('view' in outcome) resolve(outcome.view);
        else reject(outcome.error);
      };
      // One read at a time; a message during a read triggers one more read after it.
      const check = () => {
        if (settled) return;
        if (checking) return void (again = true);
        checking = true;
        this.jobs.get(principal, jobId).then(
          (current) => {
            checking = false;
            latest = current;
            if (isTerminal(current.status)) return finish({ view: current });
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
      const onAbort = () => finish({ view: latest });
      const timer = setTimeout(() => finish({ view: latest }), timeoutMs);
      const poll = setInterval(check, POLL_MS);
      signal?.addEventListener('abort', onAbort, { once: true });
      // Subscribed and marked watched (unwatched, the final status is not published): read
      // again, in case the job finished before both were in place.
      const channel = KeyShards.for(this.config.redis).keysFor(jobId).channels.jobDone(jobId);
      const watched = this.jobs.watch(jobId).catch(() => undefined); // the poll still finds it
      void Promise.all([this.channels.listen(channel, check), watched]).then(([stop]) => {
        if (settled) stop();
        else stopListening = stop;
        check();
      });
    });
  }
}
