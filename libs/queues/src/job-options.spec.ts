import { describe, expect, it } from 'vitest';
import { loadConfig } from '@voxq/config';
import { defaultJobOptions, failedCopySeconds, webhookJobOptions } from './job-options';

describe("BullMQ's copy of a failed job", () => {
  it('is kept as long as the records without a history tier', () => {
    const config = loadConfig({ JOB_RETENTION_SECONDS: '604800' });
    expect(failedCopySeconds(config)).toBe(604_800);
    expect(defaultJobOptions(config).removeOnFail).toEqual({ age: 604_800, count: 100_000 });
  });

  it('is kept an hour with one: the record, with its error, moves to Postgres', () => {
    const config = loadConfig({ JOB_RETENTION_SECONDS: '604800', POSTGRES_URL: 'postgres://db/voxq' });
    expect(defaultJobOptions(config).removeOnFail).toEqual({ age: 3600, count: 100_000 });
    expect(webhookJobOptions(config).removeOnFail).toEqual({ age: 3600 });
    expect(failedCopySeconds(loadConfig({ JOB_RETENTION_SECONDS: '60', POSTGRES_URL: 'postgres://db/voxq' }))).toBe(60);
  });
});
