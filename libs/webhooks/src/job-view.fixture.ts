import type { JobView } from '@voxq/contracts';

/** A finished job as the API shows it, for the webhook tests. */
export function jobViewFixture(overrides: Partial<JobView> = {}): JobView {
  return {
    id: 'job_01',
    object: 'job',
    type: 'transcribe',
    status: 'completed',
    intent: { language: 'en', optimizeFor: 'balanced' },
    constraints: {},
    metadata: {},
    webhook: { url: 'https://example.com/hook' },
    attempts: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: '2025-01-01T00:00:01.000Z',
    finishedAt: '2025-01-01T00:00:02.000Z',
    result: null,
    error: null,
    ...overrides,
  };
}
