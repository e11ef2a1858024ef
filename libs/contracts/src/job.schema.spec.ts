import { describe, expect, it } from 'vitest';
import { getJobQuerySchema, jobIncludesOf, listJobsQuerySchema } from './job.schema';

describe('include (GET /v1/jobs/:id and GET /v1/jobs)', () => {
  it('takes a comma-separated list of known names, and reads it back as names', () => {
    expect(getJobQuerySchema.parse({ include: 'input' })).toEqual({ include: 'input' });
    expect(jobIncludesOf(getJobQuerySchema.parse({ include: 'input,input' }).include)).toEqual(['input', 'input']);
    expect(jobIncludesOf(getJobQuerySchema.parse({}).include)).toEqual([]);
    expect(listJobsQuerySchema.parse({ include: 'input', limit: '5' })).toMatchObject({ include: 'input', limit: 5 });
  });

  it('refuses an unknown name, an empty one, a repeated parameter, and any other parameter', () => {
    for (const include of ['secrets', 'input,secrets', '', 'input,', ' input', ['input', 'input']]) {
      const parsed = getJobQuerySchema.safeParse({ include });
      expect(parsed.success, JSON.stringify(include)).toBe(false);
    }
    expect(getJobQuerySchema.safeParse({ expand: 'input' }).success).toBe(false);
    expect(listJobsQuerySchema.safeParse({ include: 'everything' }).success).toBe(false);
  });
});
