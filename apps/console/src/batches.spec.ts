import { describe, expect, it } from 'vitest';
import { BATCH_ENDPOINTS, BATCH_STATUSES, FINAL_BATCH_STATUSES, type BatchObject } from '@voxq/contracts';
import { BATCH_ENDPOINT_CHOICES, canCancelBatch, isFinalBatch, mergeBatches, progressOf } from './batches';

describe('console batches', () => {
  it('offers every endpoint a batch accepts, and knows the final statuses, as @voxq/contracts says', () => {
    expect(BATCH_ENDPOINT_CHOICES.map((c) => c.endpoint)).toEqual([...BATCH_ENDPOINTS]);
    expect(BATCH_STATUSES.filter(isFinalBatch)).toEqual(BATCH_STATUSES.filter((s) => FINAL_BATCH_STATUSES.includes(s)));
  });

  it('offers Cancel only while cancelling can still change something', () => {
    expect(BATCH_STATUSES.filter(canCancelBatch)).toEqual(['validating', 'in_progress', 'finalizing']);
  });

  it('counts failed lines as answered', () => {
    expect(progressOf({ request_counts: { total: 3, completed: 1, failed: 1 } })).toEqual({ done: 2, total: 3 });
    expect(progressOf({ request_counts: { total: 0, completed: 0, failed: 0 } })).toEqual({ done: 0, total: 0 });
  });

  it('merges pages read at different times: each batch once, the newest read of it, newest first', () => {
    const batch = (id: string, createdAt: number, status: BatchObject['status']) => ({ id, created_at: createdAt, status }) as BatchObject;
    const refreshed = [batch('batch_03', 30, 'completed'), batch('batch_02', 20, 'completed')];
    const older = [batch('batch_02', 20, 'in_progress'), batch('batch_01b', 10, 'failed'), batch('batch_01a', 10, 'completed')];
    expect(mergeBatches(refreshed, older).map((b) => [b.id, b.status])).toEqual([
      ['batch_03', 'completed'],
      ['batch_02', 'completed'],
      ['batch_01b', 'failed'],
      ['batch_01a', 'completed'],
    ]);
  });
});
