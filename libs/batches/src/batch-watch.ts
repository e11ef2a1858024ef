import { isTerminal, type JobView } from '@voxq/contracts';
import { isAppError } from '@voxq/errors';
import type { BatchProgress, BatchRecord } from '@voxq/contracts';
import type { BatchRunnerDeps } from './batch-runner-deps';
import { batchPrincipal } from './batch-state';

/** How a batch ends once nothing keeps it open. */
export type BatchEnding = 'completed' | 'cancelled' | 'expired';

/** `JobService.get`'s answer for a record that does not exist (gone past retention). */
const isJobNotFound = (error: unknown) => isAppError(error) && error.code === 'job_not_found';

/**
 * The views of one page of a batch's jobs, null where the record is gone (past retention).
 * Only that is caught: any other error (Redis unreachable) propagates, so BullMQ retries the
 * step instead of the batch's output saying "gone" for a job that is not.
 */
export async function jobViewsOf(deps: Pick<BatchRunnerDeps, 'jobs'>, batch: BatchRecord, page: Array<{ jobId: string }>): Promise<Array<JobView | null>> {
  const principal = batchPrincipal(batch);
  return Promise.all(
    page.map((e) =>
      deps.jobs.get(principal, e.jobId).catch((error: unknown) => {
        if (isJobNotFound(error)) return null;
        throw error;
      }),
    ),
  );
}

/** Cancels the batch's jobs that have not ended (a job that ends meanwhile just refuses). */
export async function cancelOpenJobs(deps: Pick<BatchRunnerDeps, 'store' | 'jobs'>, batch: BatchRecord): Promise<void> {
  const principal = batchPrincipal(batch);
  for await (const page of deps.store.jobs(batch.tenantId, batch.id)) {
    const views = await jobViewsOf(deps, batch, page);
    const open = views.filter((v): v is JobView => v !== null && !isTerminal(v.status));
    // A job that ended (409) or went (404) since it was read needs no cancel; anything else propagates.
    await Promise.all(
      open.map((v) =>
        deps.jobs.cancel(principal, v.id).catch((error: unknown) => {
          if (isJobNotFound(error) || (isAppError(error) && error.code === 'job_not_cancellable')) return null;
          throw error;
        }),
      ),
    );
  }
}

/**
 * What a wake-up of a batch's runner does, from the batch's counts: finalize it (and how it
 * ends), or wait for more of its jobs to end. An expired batch finalizes whatever its jobs
 * are doing: nothing may keep it open.
 */
export function nextStep(progress: BatchProgress, total: number, { cancelled, expired }: { cancelled: boolean; expired: boolean }): BatchEnding | 'wait' {
  if (expired) return 'expired';
  const ended = progress.completed + progress.failed + progress.cancelled;
  const allEnded = ended >= progress.expanded;
  if (allEnded && (progress.expanded >= total || cancelled)) return cancelled ? 'cancelled' : 'completed';
  return 'wait';
}
