import type { Job, Worker, WorkerOptions } from 'bullmq';
import type { z } from 'zod';
import { InvalidJobDataError } from './invalid-job-data-error';
import { LazyFetchWorker } from './lazy-fetch-worker';
import type { JobNameOf, PayloadOf, QueueEntry } from './queue-catalog';

/**
 * A job of queue `Q` whose data was parsed with its schema: narrowing on `job.name` narrows
 * `job.data` (as Immich's `JobOf<Name>`). Handlers get these, never raw `Job`s. Distributes
 * over a union of entries (one handler serving `transcribe`, `synthesize` and `complete`).
 */
export type CatalogJob<Q extends QueueEntry> = Q extends QueueEntry ? { [N in JobNameOf<Q>]: Job<PayloadOf<Q, N>, unknown, N> }[JobNameOf<Q>] : never;

export type CatalogHandler<Q extends QueueEntry, R> = (job: CatalogJob<Q>, token?: string) => Promise<R>;

/** How issues read in a failed job's reason: `event.data.id: Invalid input; url: Invalid URL`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/**
 * Parses a job read from `entry`'s queue: its name must be one the entry lists, its data
 * must fit that name's schema. The parsed data replaces `job.data` on the same object (the
 * BullMQ handle keeps its methods; nothing writes `data` back), so the handler reads only
 * parsed values. Throws `InvalidJobDataError` (an `UnrecoverableError`) otherwise.
 */
export function parseQueuedJob<Q extends QueueEntry>(entry: Q, job: Job): CatalogJob<Q> {
  const schema: z.ZodType | undefined = Object.hasOwn(entry.jobs, job.name) ? entry.jobs[job.name] : undefined;
  if (!schema)
    throw new InvalidJobDataError(entry.name, job.name, `no job '${job.name}' on queue '${entry.name}' (it knows ${Object.keys(entry.jobs).join(', ')})`);
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new InvalidJobDataError(entry.name, job.name, describeIssues(parsed.error));
  job.data = parsed.data;
  // Checked just above: name is one of the entry's, data is that name's parsed output.
  return job as CatalogJob<Q>;
}

export interface QueueWorkerOptions extends Pick<WorkerOptions, 'connection' | 'prefix' | 'concurrency' | 'maxStalledCount' | 'settings' | 'autorun'> {
  /**
   * Told of a job whose data did not parse, before it fails (e.g. to dead-letter it). It
   * may throw an `UnrecoverableError` of its own to fail the job with a different reason.
   */
  onInvalid?: (job: Job, error: InvalidJobDataError) => void | Promise<void>;
}

/** The BullMQ processor of `entry`'s queue: parses each job, then hands it to `handler`. */
export function catalogProcessor<Q extends QueueEntry, R>(
  entry: Q,
  handler: CatalogHandler<Q, R>,
  onInvalid?: QueueWorkerOptions['onInvalid'],
): (job: Job, token?: string) => Promise<R> {
  return async (job, token) => {
    let parsed: CatalogJob<Q>;
    try {
      parsed = parseQueuedJob(entry, job);
    } catch (error) {
      if (error instanceof InvalidJobDataError && onInvalid) await onInvalid(job, error);
      throw error;
    }
    return handler(parsed, token);
  };
}

/**
 * The one way to serve a queue of the catalog: a BullMQ Worker on the entry's stored name
 * whose jobs are parsed with the entry's schemas before `handler` sees them. The caller
 * owns the Worker: it adds its listeners (`error` at least) and closes or drains it.
 */
export function startQueueWorker<Q extends QueueEntry, R>(entry: Q, options: QueueWorkerOptions, handler: CatalogHandler<Q, R>): Worker<unknown, R> {
  const { onInvalid, ...workerOptions } = options;
  return new LazyFetchWorker<unknown, R>(entry.name, catalogProcessor(entry, handler, onInvalid), workerOptions);
}
