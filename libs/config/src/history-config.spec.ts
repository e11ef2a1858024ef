import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('history settings', () => {
  it('default to no Postgres URL, 10 connections, 30 days kept, 3 days of partitions ahead', () => {
    const config = loadConfig({});
    expect(config.postgres).toEqual({ url: undefined, poolMax: 10 });
    expect(config.history).toEqual({ retentionDays: 30, partitionsAheadDays: 3 });
  });

  it('take a postgres:// or postgresql:// URL and the numbers given', () => {
    const config = loadConfig({
      POSTGRES_URL: 'postgresql://voxq:pw@db:5432/voxq',
      POSTGRES_POOL_MAX: '1',
      HISTORY_RETENTION_DAYS: '90',
      HISTORY_PARTITIONS_AHEAD_DAYS: '7',
    });
    expect(config.postgres).toEqual({ url: 'postgresql://voxq:pw@db:5432/voxq', poolMax: 1 });
    expect(config.history).toEqual({ retentionDays: 90, partitionsAheadDays: 7 });
  });

  it('refuse another scheme, no connections, no retention, without echoing a password', () => {
    try {
      loadConfig({ POSTGRES_URL: 'mysql://voxq:hunter2@db/voxq', POSTGRES_POOL_MAX: '0', HISTORY_RETENTION_DAYS: '0', HISTORY_PARTITIONS_AHEAD_DAYS: '0' });
      expect.unreachable('accepted a mysql URL');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const key of ['POSTGRES_URL', 'POSTGRES_POOL_MAX', 'HISTORY_RETENTION_DAYS', 'HISTORY_PARTITIONS_AHEAD_DAYS']) expect(problems).toContain(key);
      expect(problems).not.toContain('hunter2');
    }
  });
});
