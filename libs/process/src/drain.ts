/** The part of a BullMQ `Worker` that shutting down needs. */
export interface DrainableWorker {
  /** Stops fetching jobs and resolves once the running ones have finished. */
  pause(): Promise<void>;
  /** `force`: do not wait for running jobs (their locks lapse and BullMQ's stalled check re-queues them). */
  close(force?: boolean): Promise<void>;
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
 * back (voxq's job worker aborts them and re-queues them) and is given `releaseMs` to do so;
 * a worker still busy after that is closed without waiting. Returns whether it drained.
 */
export async function drainWorker(
  worker: DrainableWorker,
  deadline: AbortSignal | undefined,
  { onDeadline, releaseMs = 3_000 }: { onDeadline?: () => void; releaseMs?: number } = {},
): Promise<'drained' | 'released' | 'abandoned'> {
  const paused = worker.pause().then(() => true);
  if (await Promise.race([paused, untilAborted(deadline).then(() => false)])) {
    await worker.close();
    return 'drained';
  }
  if (onDeadline) {
    onDeadline();
    const timer = new Promise<false>((resolve) => setTimeout(() => resolve(false), releaseMs).unref());
    if (await Promise.race([paused, timer])) {
      await worker.close();
      return 'released';
    }
  }
  await worker.close(true);
  return 'abandoned';
}
