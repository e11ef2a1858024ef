import type { Principal } from '@voxq/auth';
import type { BatchRecord } from '@voxq/contracts';
import { enqueueBatchEvent } from '@voxq/webhooks';
import type { BatchRunnerDeps } from './batch-runner-deps';
import { batchObject, type BatchState } from './batch-view';

/** Applies `patch` to the batch and stores it. */
export async function saveBatch(deps: Pick<BatchRunnerDeps, 'store'>, state: BatchState, patch: Partial<BatchRecord>): Promise<void> {
  Object.assign(state.batch, patch);
  await deps.store.putBatch(state.batch);
}

/** Queues the batch's `batch.*` webhook event for its current status. */
export async function announceBatch(deps: Pick<BatchRunnerDeps, 'webhooks'>, state: BatchState): Promise<void> {
  await enqueueBatchEvent(deps.webhooks, state.batch.tenantId, batchObject(state));
}

/** Who acts on a batch's jobs: the batch itself, within its tenant. */
export const batchPrincipal = (batch: Pick<BatchRecord, 'tenantId' | 'id'>): Principal => ({ tenantId: batch.tenantId, keyId: `batch:${batch.id}` });
