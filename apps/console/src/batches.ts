import type { BatchEndpoint, BatchObject, BatchStatus } from '@voxq/contracts';

/**
 * What a batch's lines may call, as the upload form offers them: BATCH_ENDPOINTS in
 * @voxq/contracts, listed here so the bundle does not carry zod (batches.spec.ts keeps the two equal).
 */
export const BATCH_ENDPOINT_CHOICES: ReadonlyArray<{ endpoint: BatchEndpoint; label: string }> = [
  { endpoint: '/v1/chat/completions', label: 'Chat completions' },
  { endpoint: '/v1/audio/transcriptions', label: 'Transcriptions' },
  { endpoint: '/v1/audio/speech', label: 'Speech' },
  { endpoint: '/v1/embeddings', label: 'Embeddings' },
  { endpoint: '/v1/images/generations', label: 'Image generations' },
  { endpoint: '/v1/jobs', label: 'voxq jobs' },
];

/** FINAL_BATCH_STATUSES in @voxq/contracts: a batch in one of these never moves again. */
const FINAL: readonly BatchStatus[] = ['completed', 'failed', 'expired', 'cancelled'];

export const isFinalBatch = (status: BatchStatus): boolean => FINAL.includes(status);

/** The API refuses to cancel a finished batch; one already cancelling needs no second request. */
export const canCancelBatch = (status: BatchStatus): boolean => !isFinalBatch(status) && status !== 'cancelling';

/** Lines answered (completed or failed) of all; `total` is 0 until the input file is validated. */
export function progressOf(batch: Pick<BatchObject, 'request_counts'>): { done: number; total: number } {
  const { total, completed, failed } = batch.request_counts;
  return { done: Math.min(completed + failed, total), total };
}

/** Newest first, whatever order a page of the list came in (ids sort by time within a second). */
export const newestFirst = (batches: BatchObject[]): BatchObject[] =>
  [...batches].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));

/** The batches of several reads, each once (the first read's version wins), newest first. */
export function mergeBatches(...reads: BatchObject[][]): BatchObject[] {
  const byId = new Map<string, BatchObject>();
  for (const read of reads) for (const batch of read) if (!byId.has(batch.id)) byId.set(batch.id, batch);
  return newestFirst([...byId.values()]);
}
