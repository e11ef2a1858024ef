import { describe, expect, it } from 'vitest';
import { usageQuerySchema } from '@voxq/contracts';
import { daysOf, usageRangeOf } from './usage-report';

const now = new Date('2026-12-07T04:30:00Z');
const rangeOf = (query: Record<string, string>) => usageRangeOf(usageQuerySchema.parse(query), now);

describe('usage query', () => {
  it('defaults to the current UTC month up to today', () => {
    expect(rangeOf({})).toEqual({ from: '2026-12-01', to: '2026-12-07' });
  });

  it('takes ISO dates and timestamps, counting whole UTC days', () => {
    expect(rangeOf({ from: '2026-11-03', to: '2026-11-05' })).toEqual({ from: '2026-11-03', to: '2026-11-05' });
    expect(rangeOf({ from: '2026-11-03T23:30:00-02:00', to: '2026-11-05T10:00:00.000Z' })).toEqual({ from: '2026-11-04', to: '2026-11-05' });
    expect(rangeOf({ from: '2026-11-30' })).toEqual({ from: '2026-11-30', to: '2026-12-07' });
  });

  it('refuses what is not an ISO 8601 date or timestamp, and unknown parameters', () => {
    for (const query of [{ from: 'yesterday' }, { to: '2026-13-01' }, { from: '2026-12-01T10:00:00' }, { since: '2026-12-01' }]) {
      expect(usageQuerySchema.safeParse(query).success).toBe(false);
    }
  });

  it('is a 400 when from is after to, or the range is longer than the counters are kept', () => {
    expect(() => rangeOf({ from: '2026-12-05', to: '2026-12-01' })).toThrow(expect.objectContaining({ status: 400, param: 'from' }));
    expect(() => rangeOf({ from: '2025-01-01', to: '2026-12-01' })).toThrow(/at most 400/);
    expect(rangeOf({ from: '2025-11-03', to: '2026-12-07' })).toEqual({ from: '2025-11-03', to: '2026-12-07' });
  });

  it('lists every day of the range, across a month end', () => {
    expect(daysOf({ from: '2026-11-29', to: '2026-12-02' })).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
  });
});
