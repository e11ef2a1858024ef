import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchRecord } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { createPostgresPool, HistoryStore, migrate } from '@voxq/history';
import {
  BatchHandoff,
  batchPendingMember,
  BatchStore,
  HistoryHandoff,
  JobStore,
  newBatchId,
  newJobId,
  type BatchState,
  type NewJobFields,
} from '@voxq/job-store';
import { createLogger } from '@voxq/logging';
import { createRedisConnection } from '@voxq/queues';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import { cleanupPrefix, eventually, freePort, testConfig, testPostgres, type TestPostgres } from '@voxq/testing';
import { batchHistoryLane } from './batch-history-lane';
import { HistoryMover, type HistoryLane } from './history-mover';

/** Finished batches leave Redis for the history tier with exact counts, and reads find them either side: real Redis, real Postgres. */
describe('batch history lane', () => {
  const config = testConfig();
  const shards = KeyShards.for(config.redis);
  const keys = shards.base.batches;
  let redis: RedisClient;
  let pg: TestPostgres;
  let history: HistoryStore;
  let batches: BatchStore;
  let jobs: JobStore;
  let handoff: BatchHandoff;
  let lane: HistoryLane;

  beforeAll(async () => {
    redis = createRedisConnection(config.redis, { maxRetriesPerRequest: null });
    pg = await testPostgres();
    await migrate(pg.pool);
    history = new HistoryStore(pg.pool, { retentionDays: 30, partitionsAheadDays: 3 });
    await history.maintain();
    batches = new BatchStore(redis, shards, 600, history);
    jobs = new JobStore(redis, shards, 600, history);
    // A hot window of 1 s, and a batch whose jobs still run looked at again at once.
    handoff = new BatchHandoff(redis, shards, { hotSeconds: 1, settleSeconds: 3600, recheckMs: 0 });
    lane = batchHistoryLane(handoff, history);
  });
  afterAll(async () => {
    redis.disconnect();
    await pg.drop();
    await cleanupPrefix(config);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const newBatch = (tenantId: string, total: number): BatchRecord => ({
    id: newBatchId(),
    tenantId,
    endpoint: '/v1/jobs',
    input_file_id: 'file-000000000000000000000000',
    completion_window: '24h',
    status: 'in_progress',
    output_file_id: null,
    error_file_id: null,
    errors: null,
    created_at: now(),
    in_progress_at: now(),
    expires_at: now() + 86_400,
    finalizing_at: null,
    completed_at: null,
    failed_at: null,
    expired_at: null,
    cancelling_at: null,
    cancelled_at: null,
    total,
    metadata: { run: 'lane' },
    webhook: null,
    outputExpiresAfter: null,
  });
  const jobOf = (tenantId: string, batchId: string): NewJobFields & { batchId: string } => ({
    id: newJobId(),
    tenantId,
    batchId,
    type: 'complete',
    createdAt: new Date().toISOString(),
    intent: { language: 'en', optimizeFor: 'balanced' },
    constraints: {},
    metadata: {},
    webhook: null,
  });

  /** A running batch of `n` started jobs (spread over the shards by their ids), as its runner leaves it after expanding. */
  async function runningBatch(tenantId: string, n: number) {
    const batch = newBatch(tenantId, n);
    await batches.putBatch(batch);
    const its = Array.from({ length: n }, () => jobOf(tenantId, batch.id));
    for (const job of its) {
      await jobs.create(job);
      await jobs.start(job);
    }
    await batches.addJobs(
      tenantId,
      batch.id,
      its.map((j) => ({ jobId: j.id, customId: j.id })),
      n,
    );
    return { batch, jobs: its };
  }

  /** The runner's last save: a final status, its time and the counts as finalized. */
  const finish = (batch: BatchRecord, status: 'completed' | 'expired' | 'cancelled' | 'failed', counts = { completed: 0, failed: 0 }) =>
    batches.putBatch({ ...batch, status, [`${status}_at`]: now(), finalCounts: { total: batch.total, ...counts } });

  const pending = () => redis.zrange(keys.historyPending(), 0, -1);
  const rowsOf = async (id: string) => Number((await pg.pool.query<{ n: string }>('SELECT count(*) AS n FROM batches WHERE id = $1', [id])).rows[0]!.n);
  const progressKeys = (batch: BatchRecord) => shards.all().map((k) => shards.keysOf(k).batches.progress(batch.tenantId, batch.id));
  // One EXISTS per key: the shards' counts are in other slots (one multi-key EXISTS is CROSSSLOT on a cluster).
  const gone = (batch: BatchRecord) =>
    eventually(async () => {
      const left = await Promise.all([keys.record(batch.tenantId, batch.id), ...progressKeys(batch)].map((key) => redis.exists(key)));
      return left.every((n) => n === 0) ? true : undefined;
    }, 10_000);
  const moveAll = async () => {
    while ((await lane.move(0, 100)) > 0);
  };

  it('a finished batch waits without expiry, moves with its exact counts, and reads the same either side', async () => {
    const tenant = `t-${randomUUID()}`;
    const { batch, jobs: its } = await runningBatch(tenant, 4);
    // Without a final status it keeps the retention's expiry and waits for nothing.
    expect(await redis.ttl(keys.record(tenant, batch.id))).toBeGreaterThan(0);
    expect(await pending()).not.toContain(batchPendingMember(batch));

    await jobs.complete(its[0]!, { text: 'a' });
    await jobs.complete(its[1]!, { text: 'b' });
    await jobs.fail(its[2]!, errors.providerUnavailable('sim', 'down').toJSON());
    await jobs.cancel(its[3]!);
    await finish(batch, 'completed', { completed: 2, failed: 2 });
    expect(await pending()).toContain(batchPendingMember(batch));
    expect(await redis.ttl(keys.record(tenant, batch.id))).toBe(-1);
    expect(await redis.ttl(keys.progress(tenant, batch.id))).toBe(-1);
    const hot = await batches.findBatch(tenant, batch.id);
    expect(hot?.progress).toEqual({ expanded: 4, completed: 2, failed: 1, cancelled: 1 });

    await moveAll();
    expect(await pending()).not.toContain(batchPendingMember(batch));
    expect(await rowsOf(batch.id)).toBe(1);
    const { rows } = await pg.pool.query<{ progress: unknown; status: string }>('SELECT progress, status FROM batches WHERE id = $1', [batch.id]);
    expect(rows[0]).toEqual({ progress: { expanded: 4, completed: 2, failed: 1, cancelled: 1 }, status: 'completed' });
    // Released: out of the index at once, its keys (the counts in every shard, its job list) gone after the hot window.
    expect(await redis.zscore(keys.tenantIndex(tenant), batch.id)).toBeNull();
    expect(await redis.ttl(keys.jobs(tenant, batch.id))).toBeGreaterThan(0);
    await gone(batch);
    expect(await redis.exists(keys.jobs(tenant, batch.id))).toBe(0);

    expect(await batches.findBatch(tenant, batch.id)).toEqual(hot);
    expect(await batches.findBatch('another-tenant', batch.id)).toBeNull();
    expect((await batches.listBatches('another-tenant', 10)).items).toEqual([]);
  });

  it('moves a batch only once all its jobs have ended, so the counts it keeps are final', async () => {
    const tenant = `t-${randomUUID()}`;
    const { batch, jobs: its } = await runningBatch(tenant, 3);
    await jobs.complete(its[0]!, { text: 'a' });
    // Expired while two jobs still run: finalized at once, but its counts are not final yet.
    await finish(batch, 'expired', { completed: 1, failed: 2 });
    await moveAll();
    expect(await pending()).toContain(batchPendingMember(batch));
    expect(await rowsOf(batch.id)).toBe(0);

    await jobs.cancel(its[1]!);
    await moveAll();
    expect(await rowsOf(batch.id)).toBe(0);
    await jobs.complete(its[2]!, { text: 'late' });
    await moveAll();
    expect(await pending()).not.toContain(batchPendingMember(batch));
    await gone(batch);
    const cold = await batches.findBatch(tenant, batch.id);
    expect(cold?.progress).toEqual({ expanded: 3, completed: 2, failed: 0, cancelled: 1 });
    expect(cold?.batch).toMatchObject({ status: 'expired', finalCounts: { total: 3, completed: 1, failed: 2 } });
  });

  it('a mover that died between copying and releasing: the next copies again, one row', async () => {
    const tenant = `t-${randomUUID()}`;
    const { batch, jobs: its } = await runningBatch(tenant, 1);
    await jobs.complete(its[0]!, { text: 'a' });
    await finish(batch, 'completed', { completed: 1, failed: 0 });
    // What a mover does before it dies: take and copy, no release.
    const taken = await handoff.take(100);
    await history.writeBatches(taken!.batches);
    expect(await rowsOf(batch.id)).toBe(1);
    expect(await pending()).toContain(batchPendingMember(batch));
    expect(await redis.ttl(keys.record(tenant, batch.id))).toBe(-1);

    await moveAll();
    expect(await pending()).not.toContain(batchPendingMember(batch));
    expect(await rowsOf(batch.id)).toBe(1);
  });

  it('lists a tenant’s batches across Redis and Postgres with one cursor, each once, newest first', async () => {
    const tenant = `t-${randomUUID()}`;
    const made: BatchRecord[] = [];
    for (let i = 0; i < 5; i++) {
      const { batch, jobs: its } = await runningBatch(tenant, 1);
      made.push(batch);
      if (i === 4) continue; // the newest stays running, in Redis
      await jobs.complete(its[0]!, { text: 'a' });
      await finish(batch, 'completed', { completed: 1, failed: 0 });
    }
    // Two of the four finished move (and leave Redis); the other two wait in Redis.
    const [oldest, second] = made;
    await redis.zadd(keys.historyPending(), 'XX', Date.now() + 3600_000, batchPendingMember(made[2]!), Date.now() + 3600_000, batchPendingMember(made[3]!));
    await moveAll();
    await gone(oldest!);
    await gone(second!);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await batches.listBatches(tenant, 2, cursor);
      seen.push(...page.items.map((s: BatchState) => s.batch.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(
      made
        .map((b) => b.id)
        .sort()
        .reverse(),
    );
    // A batch in both places at once (copied, not yet released) is listed once.
    await redis.zadd(keys.historyPending(), 'XX', 0, batchPendingMember(made[2]!));
    await history.writeBatches((await handoff.take(100))!.batches);
    expect((await batches.listBatches(tenant, 10)).items.map((s) => s.batch.id)).toEqual(seen);
    await redis.zadd(keys.historyPending(), 'XX', 0, batchPendingMember(made[3]!));
    await moveAll();
  });

  it('without a history tier a finished batch expires in Redis as before and waits for nothing', async () => {
    const plain = new BatchStore(redis, shards, 600);
    const batch = { ...newBatch(`t-${randomUUID()}`, 0), status: 'failed' as const, failed_at: now() };
    await plain.putBatch(batch);
    expect(await redis.ttl(keys.record(batch.tenantId, batch.id))).toBeGreaterThan(0);
    expect(await redis.ttl(keys.tenantIndex(batch.tenantId))).toBeGreaterThan(0);
    expect(await pending()).not.toContain(batchPendingMember(batch));
    expect(await plain.findBatch('another-tenant', batch.id)).toBeNull();
  });

  it('with Postgres down: batches wait in Redis, hot reads work, cold reads answer 503 (retryable)', async () => {
    const pool = createPostgresPool({ url: `postgres://postgres@127.0.0.1:${await freePort()}/test`, max: 1 });
    const down = new HistoryStore(pool, { retentionDays: 30, partitionsAheadDays: 1 });
    try {
      const store = new BatchStore(redis, shards, 600, down);
      const tenant = `t-${randomUUID()}`;
      const batch = { ...newBatch(tenant, 0), status: 'failed' as const, failed_at: now() };
      await store.putBatch(batch);
      const unavailable = { code: 'service_unavailable', retryable: true, status: 503 };
      await expect(batchHistoryLane(handoff, down).move(0, 100)).rejects.toMatchObject(unavailable);
      expect(await pending()).toContain(batchPendingMember(batch));
      expect((await store.findBatch(tenant, batch.id))?.batch.status).toBe('failed');
      await expect(store.findBatch(tenant, newBatchId())).rejects.toMatchObject(unavailable);
      await expect(store.listBatches(tenant, 10)).rejects.toMatchObject(unavailable);
      await moveAll();
      expect(await rowsOf(batch.id)).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('runs in the mover, one process at a time (its lease)', async () => {
    const tenant = `t-${randomUUID()}`;
    const batch = { ...newBatch(tenant, 0), status: 'cancelled' as const, cancelled_at: now() };
    await batches.putBatch(batch);
    const logger = createLogger({ name: 'test', level: 'silent' });
    const mover = new HistoryMover(new HistoryHandoff(redis, shards, 1), history, { shards: shards.all(), batchSize: 10, idleMs: 50, logger, lanes: [lane] });
    expect(await handoff.lease('another-process', 5_000)).toBe(true);
    await mover.moveOnce();
    expect(await pending()).toContain(batchPendingMember(batch));
    await handoff.unlease('another-process');
    await mover.moveOnce();
    expect(await pending()).not.toContain(batchPendingMember(batch));
    expect(await rowsOf(batch.id)).toBe(1);
  });
});
