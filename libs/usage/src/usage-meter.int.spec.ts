import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyShards, redisKeys, type RedisClient } from '@voxq/redis-keys';
import { cleanupPrefix, testConfig } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import { UsageMeter, USAGE_RETENTION_DAYS } from './usage-meter';
import { UsageReport } from './usage-report';

/** Recording and reading usage against real Redis. */
describe('usage meter and report', () => {
  const config = testConfig();
  let redis: RedisClient;
  let meter: UsageMeter;
  let report: UsageReport;

  beforeAll(() => {
    redis = createRedisConnection(config.redis, { maxRetriesPerRequest: null });
    meter = new UsageMeter(redis, KeyShards.for(config.redis), 60);
    report = new UsageReport(redis, KeyShards.for(config.redis), (capability, provider) =>
      capability === 'stt' && provider === 'deepgram' ? 0.0043 : undefined,
    );
  });
  afterAll(async () => {
    redis.disconnect();
    await cleanupPrefix(config);
  });

  const transcribed = (id: string, finishedAt: string, audioSeconds: number, tenantId = 'acme') => ({
    id,
    tenantId,
    type: 'transcribe' as const,
    finishedAt: new Date(finishedAt),
    result: { provider: 'deepgram', model: 'nova-2', text: 'hi', usage: { audioSeconds } },
  });

  it('counts each job once, on the UTC day it finished, and reads a range of days priced', async () => {
    expect(await meter.record(transcribed('job_a', '2026-11-30T23:59:00Z', 30))).toBe(true);
    expect(await meter.record(transcribed('job_a', '2026-11-30T23:59:00Z', 30))).toBe(false); // the same job again
    expect(await meter.record(transcribed('job_b', '2026-12-01T00:01:00Z', 90))).toBe(true);
    expect(await meter.record(transcribed('job_c', '2026-12-01T10:00:00Z', 60, 'other'))).toBe(true);

    const both = await report.read('acme', { from: '2026-11-30', to: '2026-12-01' });
    expect(both).toMatchObject({ totalSessions: 2, totalMinutes: 2 });
    expect(both.breakdown.find((l) => l.metric === 'audio_minutes')).toMatchObject({ provider: 'deepgram', type: 'stt', quantity: 2, cost: 0.0086 });
    expect(await report.read('acme', { from: '2026-12-01', to: '2026-12-31' })).toMatchObject({ totalSessions: 1, totalMinutes: 1.5 });
    // Another tenant's usage is its own.
    expect(await report.read('other', { from: '2026-11-30', to: '2026-12-01' })).toMatchObject({ totalSessions: 1, totalMinutes: 1 });
  });

  it('keeps a day for the retention period after it, and the job marker as long as the job record', async () => {
    await meter.record(transcribed('job_d', '2026-10-01T12:00:00Z', 1));
    const keys = redisKeys(config.redis.prefix).metering;
    const expiresAt = await redis.expiretime(keys.day('acme', '2026-10-01'));
    expect(expiresAt).toBe(Date.parse('2026-10-01') / 1000 + (USAGE_RETENTION_DAYS + 1) * 24 * 3600);
    const markerTtl = await redis.ttl(keys.recorded('job_d'));
    expect(markerTtl).toBeGreaterThan(0);
    expect(markerTtl).toBeLessThanOrEqual(60);
  });

  it('records nothing for a result without usage', async () => {
    expect(await meter.record({ id: 'job_e', tenantId: 'acme', type: 'complete', finishedAt: new Date(), result: { ok: true } })).toBe(false);
    expect(await redis.exists(redisKeys(config.redis.prefix).metering.recorded('job_e'))).toBe(0);
  });
});
