import type { Config } from '@voxq/config';
import type { Logger } from '@voxq/logging';
import { recordStorageRetry } from '@voxq/metrics';
import { withPatience, type ObjectStore } from '@voxq/storage';

/**
 * The worker's object store: S3 outages shorter than `S3_RETRY_WINDOW_SECONDS` are waited out
 * inside the job's attempt (`withPatience`). Logged once when calls start waiting and once
 * when one goes through again, however many jobs wait; each retry is counted in
 * `voxq_storage_retries_total`.
 */
export function workerObjectStore(objects: ObjectStore, config: Pick<Config, 's3'>, logger: Logger): ObjectStore {
  let waitingSince: number | null = null;
  return withPatience(objects, {
    windowMs: config.s3.retryWindowSeconds * 1000,
    onRetry(operation, error) {
      recordStorageRetry(operation);
      if (waitingSince !== null) return;
      waitingSince = Date.now();
      logger.warn(
        { operation, reason: (error as Error).message, retryWindowSeconds: config.s3.retryWindowSeconds },
        'object storage unavailable: jobs keep their results and retry',
      );
    },
    onRecovered(operation, tries) {
      if (waitingSince === null) return;
      logger.info({ operation, tries, unavailableMs: Date.now() - waitingSince }, 'object storage available again');
      waitingSince = null;
    },
  });
}
