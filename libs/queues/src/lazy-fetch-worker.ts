import { Worker, type Job, type JobJsonRaw } from 'bullmq';

/**
 * A BullMQ Worker that stops fetching ahead once its queue has run dry. BullMQ's worker asks
 * for the next job in the same call that finishes one (`moveToFinished`'s fetch). With a
 * backlog that saves a round trip; with an empty queue, which is the usual state of a worker
 * faster than its intake, the fetch finds nothing and costs about nine Redis commands and a
 * drained check on every job. So after a fetch has come back empty, finishing a job fetches
 * nothing, and new work is taken the way an idle BullMQ worker takes it anyway: blocked on
 * the queue's marker, which every add sets. The first fetch that finds a job turns fetching
 * ahead on again. `npm run bench`, one job per request: 42.4 → 39.9 Redis commands a job
 * (docs/scaling.md); bulk, whose queue never empties, is unchanged.
 *
 * It overrides two of BullMQ's own methods (`processJob`, public, and `nextJobFromJobData`,
 * protected; their signatures are typed, and bullmq is pinned in package.json): an upgrade
 * that changes them fails the type check or the worker suites.
 */
export class LazyFetchWorker<D = unknown, R = unknown> extends Worker<D, R> {
  private lastFetchFound = true;

  protected override async nextJobFromJobData(jobData?: JobJsonRaw, jobId?: string, token?: string): Promise<Job<D, R, string>> {
    const job = await super.nextJobFromJobData(jobData, jobId, token);
    // BullMQ's own type says a Job, but an empty fetch resolves to undefined.
    this.lastFetchFound = job !== undefined && job !== null;
    return job;
  }

  override processJob(job: Job<D, R, string>, token: string, fetchNextCallback: () => boolean = () => true): Promise<void | Job<D, R, string>> {
    return super.processJob(job, token, () => this.lastFetchFound && fetchNextCallback());
  }
}
