import { describe, expect, it } from 'vitest';
import { usagePeriodOf } from './usage-period';

describe('usagePeriodOf', () => {
  it('is the UTC calendar month', () => {
    expect(usagePeriodOf(new Date('2026-11-25T15:00:00Z'))).toEqual({
      period: '2026-11',
      startsAt: new Date('2026-11-01T00:00:00Z'),
      endsAt: new Date('2026-12-01T00:00:00Z'),
    });
  });

  it('rolls over at midnight UTC, whatever the local zone', () => {
    expect(usagePeriodOf(new Date('2026-01-31T23:59:59.999Z')).period).toBe('2026-01');
    expect(usagePeriodOf(new Date('2026-02-01T00:00:00Z')).period).toBe('2026-02');
  });

  it('ends December in January of the next year', () => {
    expect(usagePeriodOf(new Date('2026-12-31T12:00:00Z'))).toMatchObject({ period: '2026-12', endsAt: new Date('2027-01-01T00:00:00Z') });
  });
});
