import { describe, expect, it } from 'vitest';
import { DAY_MS, dayOf, dayOfPartition, partitionName, pastRetention, timeOfId } from './record-time';

describe('timeOfId', () => {
  it('reads the creation time of job, delivery and batch ids', () => {
    const ms = Date.parse('2026-12-07T13:14:15.678Z');
    const hex = ms.toString(16).padStart(12, '0');
    expect(timeOfId(`job_${hex}0123456789abcdef`)?.getTime()).toBe(ms);
    expect(timeOfId(`wd_${hex}0123456789abcdef`)?.getTime()).toBe(ms);
    expect(timeOfId(`batch_${hex}0123456789ab`)?.getTime()).toBe(ms);
  });

  it('refuses what voxq does not make: other kinds, short, long or upper-case ids, random ids', () => {
    for (const id of [
      'we_019af9d2a5be0123456789abcdef',
      'job_019af9d2a5be',
      'job_019AF9D2A5BE0123456789ABCDEF',
      'sr_8f14e45fceea167a5a36dedd4bea2543',
      '',
      'job_',
      // Anything before or after a whole id.
      'xjob_019af9d2a5be0123456789abcdef',
      'job_019af9d2a5be0123456789abcdef0',
      'job_019af9d2a5be0123456789abcdefx',
    ])
      expect(timeOfId(id)).toBeNull();
  });
});

describe('day partitions', () => {
  it('names the UTC day of a time, and reads it back', () => {
    const day = dayOf(Date.parse('2026-03-01T23:59:59.999Z'));
    expect(day).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(partitionName('jobs', day)).toBe('jobs_p20260301');
    expect(dayOfPartition('jobs', 'jobs_p20260301')).toBe(day);
    expect(dayOfPartition('webhook_deliveries', 'webhook_deliveries_p20261231')).toBe(Date.parse('2026-12-31T00:00:00Z'));
  });

  it("knows only its own table's partitions", () => {
    expect(dayOfPartition('jobs', 'batches_p20260301')).toBeNull();
    expect(dayOfPartition('jobs', 'jobs_p2026030')).toBeNull();
    expect(dayOfPartition('jobs', 'jobs_default')).toBeNull();
  });

  it('puts a day past retention once all of it is older than the retention period', () => {
    const day = Date.parse('2026-03-01T00:00:00Z');
    const end = day + DAY_MS;
    expect(pastRetention(day + 5, end + 30 * DAY_MS - 1, 30)).toBe(false);
    expect(pastRetention(day + 5, end + 30 * DAY_MS, 30)).toBe(true);
    expect(pastRetention(end - 1, end + DAY_MS, 1)).toBe(true);
    expect(pastRetention(end, end + DAY_MS, 1)).toBe(false);
  });
});
