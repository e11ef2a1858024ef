/** The part of a BullMQ `Worker` that shutting down needs. */
export interface DrainableWorker {
  /**
   * Stops fetching jobs, waits for the running ones to finish, then closes the worker's own
   * connections; a later call returns the same promise. (`Worker.close()`: it ends the
   * blocking wait for new jobs at once, so a job queued meanwhile stays queued.)
   */
  close(): Promise<void>;
}

/** Resolves when `signal` aborts (never without one). */
export function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise<void>(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/**
 * Closes a worker the orderly way: stop taking jobs, let the running ones finish, then
 * close its connections. If `deadline` aborts first, `onDeadline` may hand the running jobs
 * back (voxq's job worker aborts them and re-queues them) and is given `releaseMs` to do so.
 * A worker still busy after that is left closing: its owner's process exits, its connections
 * close, and BullMQ's stalled check of a running worker re-queues the jobs once their locks
 * lapse. Returns whether it drained.
 *
 * Not `pause()` then `close()`: BullMQ's pause reconnects its blocking connection once the
 * running jobs are done, and on a Redis Cluster connection that reconnect never completes
 * (bullmq#4065), so the drain waited out the whole grace period. `close()` alone waits for
 * the running jobs the same way and does not reconnect.
 */
export async function drainWorker(
  worker: DrainableWorker,
  deadline: AbortSignal | undefined,
  { onDeadline, releaseMs = 3_000 }: { onDeadline?: () => void; releaseMs?: number } = {},
): Promise<'drained' | 'released' | 'abandoned'> {
  const closed = worker.close().then(() => true);
  if (await Promise.race([closed, untilAborted(deadline).then(() => false)])) return 'drained';
  if (onDeadline) {
    onDeadline();
    const timer = new Promise<false>((resolve) => setTimeout(() => resolve(false), releaseMs).unref());
    if (await Promise.race([closed, timer])) return 'released';
  }
  // BullMQ cannot force a close already under way (`close(true)` returns the pending one).
  return 'abandoned';
}
