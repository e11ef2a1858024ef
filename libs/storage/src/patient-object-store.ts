import pRetry, { AbortError } from 'p-retry';
import { isAppError } from '@voxq/errors';
import type { ObjectRef, ObjectStore, PutOptions, ReadOptions, StoredObject } from './object-store';

/** How long and how often a worker retries a store that is away. */
export interface Patience {
  /** Longest one call keeps retrying (0: not at all, the call fails as it did). */
  windowMs: number;
  /** First wait between tries; doubled each time up to `maxDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Told of each failed try that will be tried again (metrics, one log line per outage). */
  onRetry?: (operation: string, error: unknown, tries: number) => void;
  /** Told when a call that had to wait went through. */
  onRecovered?: (operation: string, tries: number) => void;
}

/** Only an unreachable or overloaded store is worth waiting for; a 404 or a refusal is an answer. */
const isUnavailable = (error: unknown) => isAppError(error) && error.code === 'storage_unavailable';

/**
 * The worker's object store: a call that finds S3 unavailable is tried again with backoff
 * (p-retry) for up to `windowMs`, inside the job's attempt. A synthesize job whose provider
 * already answered keeps its audio in memory and stores it when S3 is back, instead of
 * failing the attempt, which would call (and bill) the provider again and use up the job's
 * attempts within seconds. Reads wait the same way, so an outage short of the window costs
 * a job nothing but time. The job's signal (cancel, shutdown past its grace) ends the wait.
 *
 * `putStream` is not retried: its body is consumed by the first try. The API does not use
 * this: a client waiting on a request is better served by a prompt 503 and Retry-After.
 */
export function withPatience(store: ObjectStore, patience: Patience): ObjectStore {
  if (patience.windowMs <= 0) return store;
  const retry = <T>(operation: string, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> => {
    let failedTries = 0;
    return pRetry(
      async () => {
        try {
          const value = await call();
          if (failedTries > 0) patience.onRecovered?.(operation, failedTries + 1);
          return value;
        } catch (error) {
          // p-retry would also retry errors it knows nothing of; only an outage is waited for.
          if (!isUnavailable(error) || signal?.aborted) throw new AbortError(error as Error);
          throw error;
        }
      },
      {
        forever: true,
        maxRetryTime: patience.windowMs,
        minTimeout: patience.minDelayMs ?? 250,
        maxTimeout: patience.maxDelayMs ?? 10_000,
        factor: 2,
        randomize: true,
        ...(signal ? { signal } : {}),
        onFailedAttempt: (error) => {
          failedTries = error.attemptNumber;
          patience.onRetry?.(operation, error, error.attemptNumber);
        },
      },
    ).catch((error: unknown) => {
      // Aborted: the job's own reason (a cancel, a shutdown) is what the caller must see.
      if (signal?.aborted) throw signal.reason;
      throw error;
    });
  };

  return {
    get bucket() {
      return store.bucket;
    },
    ensureBucket: () => store.ensureBucket(),
    putStream: (key: string, body, options: PutOptions) => store.putStream(key, body, options),
    putBuffer: (key, data, options) => retry('put', options.signal, () => store.putBuffer(key, data, options)),
    getStream: (ref: ObjectRef, options?: ReadOptions) => retry('get', options?.signal, () => store.getStream(ref, options)),
    getBuffer: (ref: ObjectRef, maxBytes: number, options?: ReadOptions) => retry('get', options?.signal, () => store.getBuffer(ref, maxBytes, options)),
    head: (ref: ObjectRef): Promise<StoredObject | null> => retry('head', undefined, () => store.head(ref)),
    delete: (ref: ObjectRef) => retry('delete', undefined, () => store.delete(ref)),
    list: (ref, continuationToken) => retry('list', undefined, () => store.list(ref, continuationToken)),
    presignPut: (key, options) => store.presignPut(key, options),
    presignGet: (ref, options) => store.presignGet(ref, options),
  };
}
