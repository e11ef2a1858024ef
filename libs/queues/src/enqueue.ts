import type { Job, JobsOptions, Queue } from 'bullmq';
import { errors } from '@voxq/errors';
import type { JobNameOf, PayloadInputOf, QueueEntry } from './queue-catalog';

/** What a producer may set per job; the rest comes from the queue's defaults. */
export type EnqueueOptions = Pick<JobsOptions, 'jobId' | 'delay' | 'priority' | 'parent' | 'ignoreDependencyOnFailure'>;

export interface EnqueueRequest<Q extends QueueEntry, N extends JobNameOf<Q>> {
  job: N;
  payload: PayloadInputOf<Q, N>;
  options?: EnqueueOptions;
}

function assertQueueOf(queue: Queue, entry: QueueEntry): void {
  // A Queue handed in for the wrong entry would put jobs where no worker parses them as meant.
  if (queue.name !== entry.name) throw errors.internal(`enqueue: queue '${queue.name}' is not the catalog's '${entry.name}'`);
}

/**
 * Adds one job to `entry`'s queue: the job name and payload are checked by the types (the
 * worker parses the payload again when it reads it back). `queue` is the producer of that
 * queue (`Queues`), which also supplies the entry's default options.
 */
export async function enqueue<Q extends QueueEntry, N extends JobNameOf<Q>>(queue: Queue, entry: Q, request: EnqueueRequest<Q, N>): Promise<Job> {
  assertQueueOf(queue, entry);
  return queue.add(request.job, request.payload, request.options);
}

/** Adds several jobs of `entry`'s queue in one round trip (BullMQ's `addBulk`). */
export async function enqueueMany<Q extends QueueEntry, N extends JobNameOf<Q>>(queue: Queue, entry: Q, requests: Array<EnqueueRequest<Q, N>>): Promise<Job[]> {
  assertQueueOf(queue, entry);
  return queue.addBulk(requests.map((r) => ({ name: r.job, data: r.payload, ...(r.options ? { opts: r.options } : {}) })));
}
