import { describe, expect, it } from 'vitest';
import { BATCH_ENDPOINTS, BATCH_STATUSES, FINAL_BATCH_STATUSES } from '@voxq/contracts';
import { BATCH_ENDPOINT_CHOICES, canCancelBatch, isFinalBatch, progressOf } from './batches';

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
});
