import type { BatchObject } from '@voxq/contracts';

/** A batch that completed, as `GET /v1/batches/:id` shows it, for the webhook tests. */
export function batchObjectFixture(overrides: Partial<BatchObject> = {}): BatchObject {
  return {
    id: 'batch_01',
    object: 'batch',
    endpoint: '/v1/chat/completions',
    input_file_id: 'file-01',
    completion_window: '24h',
    status: 'completed',
    output_file_id: 'file-02',
    error_file_id: null,
    errors: null,
    created_at: 1_735_689_600,
    in_progress_at: 1_735_689_601,
    expires_at: 1_735_776_000,
    finalizing_at: 1_735_689_660,
    completed_at: 1_735_689_662,
    failed_at: null,
    expired_at: null,
    cancelling_at: null,
    cancelled_at: null,
    request_counts: { total: 2, completed: 2, failed: 0 },
    metadata: { project: 'demo' },
    webhook: { url: 'https://example.com/batch-hook' },
    ...overrides,
  };
}
