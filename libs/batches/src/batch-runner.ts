import { DelayedError } from 'bullmq';
import { isFinalBatchStatus } from '@voxq/contracts';
import { isAppError } from '@voxq/errors';
import type { CatalogHandler, CatalogJob, QUEUE_CATALOG } from '@voxq/queues';
import { expandBatch } from './batch-expand';
import { expireFile } from './batch-file-expiry';
import { finalizeBatch } from './batch-finalize';
import type { BatchRunnerDeps } from './batch-runner-deps';
import { announceBatch, saveBatch } from './batch-state';
import { validateBatch } from './batch-validate';
import { nowSeconds } from './batch-view';
import { cancelOpenJobs, nextStep } from './batch-watch';

/**
 * The `batches` queue's processor. A batch has one `run` job for its whole life: it validates
 * the input file, expands it into jobs chunk by chunk (recording how far it got, so a crash
 * resumes where it stopped), then waits as a delayed job, waking every `pollMs` to read the
 * batch's counts (kept exact by the job store) until every job has ended, the batch is
 * cancelled or its window runs out; then it streams the output and error files to S3.
 * Each of those is a unit of its own (batch-validate, batch-expand, batch-watch,
 * batch-finalize, batch-file-expiry); this only sequences them.
 */
type BatchesEntry = typeof QUEUE_CATALOG.batches;
type RunJob = Extract<CatalogJob<BatchesEntry>, { name: 'run' }>;

export function createBatchProcessor(deps: BatchRunnerDeps): CatalogHandler<BatchesEntry, void> {
  const { store, logger } = deps;

  async function run(job: RunJob, token: string | undefined): Promise<void> {
    const { tenantId, batchId } = job.data;
    const state = await store.readBatch(tenantId, batchId);
    if (!state) return void logger.warn({ batchId }, 'batch record gone: its runner stops');
    const { batch } = state;
    // A re-run after the final save: only the event may still be owed (it is sent once).
    if (isFinalBatchStatus(batch.status)) return announceBatch(deps, state);
    const expired = nowSeconds() >= batch.expires_at;

    if (batch.status === 'validating') {
      if (state.cancelRequestedAt !== null) {
        await saveBatch(deps, state, {
          status: 'cancelled',
          cancelling_at: state.cancelRequestedAt,
          cancelled_at: nowSeconds(),
          finalCounts: { total: 0, completed: 0, failed: 0 },
        });
        return announceBatch(deps, state);
      }
      const { total, problems } = await validateBatch(deps, batch);
      if (problems.length) {
        await saveBatch(deps, state, { status: 'failed', failed_at: nowSeconds(), errors: problems });
        return announceBatch(deps, state);
      }
      // The whole batch is charged up front, as OpenAI checks a batch against its limits
      // before running any of it: a batch never stops halfway for want of allowance.
      try {
        await deps.allowance.charge(tenantId, total, new Date(), `batch:${batchId}`);
      } catch (error) {
        if (!isAppError(error) || error.code !== 'allowance_exhausted') throw error;
        await saveBatch(deps, state, { status: 'failed', failed_at: nowSeconds(), errors: [{ code: error.code, message: error.message, line: null }] });
        return announceBatch(deps, state);
      }
      await saveBatch(deps, state, { status: 'in_progress', in_progress_at: nowSeconds(), total });
    }
    const cancelled = state.cancelRequestedAt !== null;
    if (cancelled && batch.status === 'in_progress') await saveBatch(deps, state, { status: 'cancelling', cancelling_at: state.cancelRequestedAt });
    const stopping = cancelled || expired;
    let progress = await store.progress(tenantId, batchId);
    if (!stopping && progress.expanded < batch.total) {
      await expandBatch(deps, batch, progress.expanded);
      progress = await store.progress(tenantId, batchId);
    }
    // One sweep cancels every open job (the set is fixed: expansion stopped); later wake-ups
    // only wait for the counts to catch up instead of reading every job again.
    if (stopping && !batch.jobsCancelledAt) {
      await cancelOpenJobs(deps, batch);
      if (!expired) await saveBatch(deps, state, { jobsCancelledAt: nowSeconds() });
    }

    const step = nextStep(progress, batch.total, { cancelled, expired });
    if (step !== 'wait') return finalizeBatch(deps, state, step);
    await job.moveToDelayed(Date.now() + deps.pollMs, token);
    throw new DelayedError();
  }

  return async function process(job, token) {
    switch (job.name) {
      case 'expire-file':
        return expireFile(deps, job.data);
      case 'run':
        return run(job, token);
    }
  };
}
