import { isFinalBatchStatus, type BatchObject } from '@voxq/contracts';
import type { BatchProgress, BatchRecord } from '@voxq/contracts';

export interface BatchState {
  batch: BatchRecord;
  progress: BatchProgress;
  cancelRequestedAt: number | null;
}

/** Unix seconds. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The batch object clients see: the stored record with live counts (cancelled jobs count as
 * failed, as OpenAI has no third count) and a pending cancel request shown as `cancelling`.
 */
export function batchObject({ batch, progress, cancelRequestedAt }: BatchState): BatchObject {
  const { id, tenantId: _tenant, total, outputExpiresAfter: _expires, finalCounts, jobsCancelledAt: _swept, errors, ...rest } = batch;
  const final = isFinalBatchStatus(batch.status);
  const cancelling = !final && cancelRequestedAt !== null && batch.status !== 'cancelling';
  return {
    id,
    object: 'batch',
    ...rest,
    ...(cancelling ? { status: 'cancelling' as const, cancelling_at: cancelRequestedAt } : {}),
    errors: errors ? { object: 'list', data: errors } : null,
    request_counts: finalCounts ?? { total, completed: progress.completed, failed: progress.failed + progress.cancelled },
  };
}
