import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobType } from '@voxq/contracts';
import { JobStore, newJobId, type NewJobFields } from '@voxq/job-store';
import { KeyShards, redisKeys, type RedisClient } from '@voxq/redis-keys';
import { cleanupPrefix, testConfig } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import { UsageMeter, USAGE_RETENTION_DAYS } from './usage-meter';
import { UsageReport } from './usage-report';

/**
 * Counting usage as jobs complete and reading it back, against real Redis: the meter says what
 * a result adds, the job's record adds it in the step that completes the job.
 */
describe('usage meter and report', () => {
  const config = testConfig();
  const shards = KeyShards.for(config.redis);
  let redis: RedisClient;
  let store: JobStore;
  let report: UsageReport;
  const meter = new UsageMeter(shards);

  beforeAll(() => {
    redis = createRedisConnection(config.redis, { maxRetriesPerRequest: null });
    store = new JobStore(redis, shards, 60);
    report = new UsageReport(redis, shards, (capability, provider) => (capability === 'stt' && provider === 'deepgram' ? 0.0043 : undefined));
  });
  afterAll(async () => {
    redis.disconnect();
    await cleanupPrefix(config);
  });

  const fieldsOf = (id: string, tenantId: string, type: JobType): NewJobFields => ({
    id,
    tenantId,
    type,
    createdAt: new Date().toISOString(),
    intent: { language: 'en', optimizeFor: 'balanced' },
    constraints: {},
    metadata: {},
    webhook: null,
  });

  /** Runs a job to completion with a transcription result; false when it was no longer active. */
  async function transcribed(finishedAt: string, audioSeconds: number, tenantId = 'acme', id = newJobId()): Promise<{ id: string; counted: boolean }> {
    const fields = fieldsOf(id, tenantId, 'transcribe');
    await store.create(fields);
    await store.start(fields);
    const result = { provider: 'deepgram', model: 'nova-2', text: 'hi', usage: { audioSeconds } };
    const counters = meter.counters({ id, tenantId, type: 'transcribe', finishedAt: new Date(finishedAt), result });
    const outcome = await store.complete(fields, result, { returnRecord: false, counters }, new Date(finishedAt));
    return { id, counted: outcome.kind === 'ok' };
  }

  it('counts each job once, on the UTC day it finished, and reads a range of days priced', async () => {
    const a = await transcribed('2026-11-30T23:59:00Z', 30);
    // The same job completing again (a late duplicate) is refused, and adds nothing.
    const again = await store.complete(
      fieldsOf(a.id, 'acme', 'transcribe'),
      { provider: 'deepgram', usage: { audioSeconds: 30 } },
      {
        counters: meter.counters({
          id: a.id,
          tenantId: 'acme',
          type: 'transcribe',
          finishedAt: new Date('2026-11-30T23:59:00Z'),
          result: { provider: 'deepgram', usage: { audioSeconds: 30 } },
        }),
      },
    );
    expect(again.kind).toBe('rejected');
    await transcribed('2026-12-01T00:01:00Z', 90);
    await transcribed('2026-12-01T10:00:00Z', 60, 'other');

    const both = await report.read('acme', { from: '2026-11-30', to: '2026-12-01' });
    expect(both).toMatchObject({ totalSessions: 2, totalMinutes: 2 });
    expect(both.breakdown.find((l) => l.metric === 'audio_minutes')).toMatchObject({ provider: 'deepgram', type: 'stt', quantity: 2, cost: 0.0086 });
    expect(await report.read('acme', { from: '2026-12-01', to: '2026-12-31' })).toMatchObject({ totalSessions: 1, totalMinutes: 1.5 });
    // Another tenant's usage is its own.
    expect(await report.read('other', { from: '2026-11-30', to: '2026-12-01' })).toMatchObject({ totalSessions: 1, totalMinutes: 1 });
  });

  it('keeps a day for the retention period after it', async () => {
    const { id } = await transcribed('2026-10-01T12:00:00Z', 1);
    const dayKey = shards.keysFor(id).metering.day('acme', '2026-10-01');
    expect(await redis.expiretime(dayKey)).toBe(Date.parse('2026-10-01') / 1000 + (USAGE_RETENTION_DAYS + 1) * 24 * 3600);
    // A second job on the same day, in the same shard (the id's last byte picks it), keeps the expiry.
    const sibling = `${id.slice(0, -4)}${id.at(-4) === '0' ? '1' : '0'}${id.slice(-3)}`;
    await transcribed('2026-10-01T13:00:00Z', 1, 'acme', sibling);
    expect(await redis.hget(dayKey, 'stt|deepgram|jobs')).toBe('2');
    expect(await redis.expiretime(dayKey)).toBe(Date.parse('2026-10-01') / 1000 + (USAGE_RETENTION_DAYS + 1) * 24 * 3600);
  });

  it('counts nothing for a result without usage', async () => {
    expect(meter.counters({ id: 'job_e', tenantId: 'acme', type: 'complete', finishedAt: new Date(), result: { ok: true } })).toBeNull();
    expect(await redis.exists(redisKeys(config.redis.prefix).metering.day('acme', '2026-12-31'))).toBe(0);
  });
});
