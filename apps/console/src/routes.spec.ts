import { describe, expect, it } from 'vitest';
import { hrefOf, parseRoute } from './routes';

describe('console routes', () => {
  it('reads pages and filters from the fragment, and writes them back the same', () => {
    for (const href of [
      '#/jobs',
      '#/jobs?type=synthesize&status=active',
      '#/jobs/job_123',
      '#/submit/chat',
      '#/batches',
      '#/batches/batch_123',
      '#/webhooks',
      '#/usage',
    ]) {
      expect(hrefOf(parseRoute(href))).toBe(href);
    }
  });

  it('falls back to the jobs list, and to the first submit tab', () => {
    expect(parseRoute('')).toEqual({ page: 'jobs' });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'jobs' });
    expect(parseRoute('#/submit/unknown')).toEqual({ page: 'submit', tab: 'speech' });
  });
});
