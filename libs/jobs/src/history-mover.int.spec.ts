import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errors } from '@voxq/errors';
import { HistoryStore, migrate } from '@voxq/history';
import { HistoryHandoff, JobStore, newJobId, toJobView, type NewJobFields } from '@voxq/job-store';
import { createLogger } from '@voxq/logging';
import { createRedisConnection } from '@voxq/queues';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import { cleanupPrefix, eventually, testConfig, testPostgres, type TestPostgres } from '@voxq/testing';
import { HistoryMover } from './history-mover';

/** Finished records leave Redis for the history tier, and reads find them either side: real Redis, real Postgres. */
describe('history mover', () => {
  const config = testConfig();
  const shards = KeyShards.for(config.redis);
  const logger = createLogger({ name: 'test', level: 'silent' });
  let redis: RedisClient;
  let pg: TestPostgres;
  let history: HistoryStore;
  let store: JobStore;
  let handoff: HistoryHandoff;
  let mover: HistoryMover;

  beforeAll(async () => {
    redis = createRedisConnection(config.redis, { maxRetriesPerRequest: null });
    pg = await testPostgres();
    await migrate(pg.pool);
    history = new HistoryStore(pg.pool, { retentionDays: 30, partitionsAheadDays: 3 });
    await history.maintain();
    store = new JobStore(redis, shards, 60, history);
    // A hot window of 1 s: released records leave Redis a moment after.
    handoff = new HistoryHandoff(redis, shards, 1);
    mover = new HistoryMover(handoff, history, { shards: shards.all(), batchSize: 2, idleMs: 50, logger });
  });
  afterAll(async () => {
    redis.disconnect();
    await pg.drop();
    await cleanupPrefix(config);
  });

  const fields = (tenantId: string): NewJobFields => ({
    id: newJobId(),
    tenantId,
    type: 'complete',
    createdAt: new Date().toISOString(),
    intent: { language: 'en', optimizeFor: 'balanced' },
    constraints: {},
    metadata: { k: 'v' },
    webhook: null,
  });

  /** One job in each state: completed twice, failed, cancelled, and one still running. */
  async function jobsInEveryState(tenantId: string) {
    const [done1, done2, failed, cancelled, running] = Array.from({ length: 5 }, () => fields(tenantId));
    for (const job of [done1!, done2!, failed!, cancelled!, running!]) {
      await store.create(job);
      await store.start(job);
    }
    await store.complete(done1!, { text: 'one' });
    await store.complete(done2!, { text: 'two' });
    await store.fail(failed!, errors.providerUnavailable('sim', 'down').toJSON());
    await store.cancel(cancelled!);
    return { finished: [done1!, done2!, failed!, cancelled!], running: running! };
  }

  const pendingCount = async () => (await handoff.backlog()).jobs;
  const rowsOf = async (ids: string[]) => (await pg.pool.query<{ n: string }>('SELECT count(*) AS n FROM jobs WHERE id = ANY($1)', [ids])).rows[0]!.n;

  it('moves finished records, keeps them readable either side, and lists every job once', async () => {
    const tenant = `t-${newJobId()}`;
    const { finished, running } = await jobsInEveryState(tenant);
    const before = await Promise.all(finished.map((j) => store.get(tenant, j.id)));
    // Waiting to move: no expiry on them until the history tier holds them.
    expect(await redis.ttl(shards.keysFor(finished[0]!.id).jobs.record(finished[0]!.id))).toBe(-1);
    expect(await pendingCount()).toBeGreaterThanOrEqual(4);

    expect(await mover.moveOnce()).toBeGreaterThanOrEqual(4);
    expect(await pendingCount()).toBe(0);
    expect(await rowsOf(finished.map((j) => j.id))).toBe('4');

    // After the hot window only the history tier has them: reads do not change.
    await eventually(async () => expect(await redis.exists(shards.keysFor(finished[0]!.id).jobs.record(finished[0]!.id))).toBe(0), 10_000);
    const after = await Promise.all(finished.map((j) => store.get(tenant, j.id)));
    expect(after.map((r) => r && toJobView(r))).toEqual(before.map((r) => r && toJobView(r)));
    expect(await store.get('another-tenant', finished[0]!.id)).toBeNull();

    // Pages of two across Redis (the running job) and Postgres: every job once, newest first.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list(tenant, { limit: 2, ...(cursor ? { after: cursor } : {}) });
      seen.push(...page.jobs.map((j) => j.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(
      [...finished, running]
        .map((j) => j.id)
        .sort()
        .reverse(),
    );
    expect((await store.list(tenant, { limit: 10, status: 'completed' })).jobs.map((j) => j.id).sort()).toEqual([finished[0]!.id, finished[1]!.id].sort());
    expect((await store.list(tenant, { limit: 10, status: 'active' })).jobs.map((j) => j.id)).toEqual([running.id]);
  });

  it('a re-run of a job finished and moved away (its worker died before BullMQ heard) does not start it again', async () => {
    const tenant = `t-${newJobId()}`;
    const { finished } = await jobsInEveryState(tenant);
    await mover.moveOnce();
    const done = finished[0]!;
    await eventually(async () => ((await redis.exists(shards.keysFor(done.id).jobs.record(done.id))) === 0 ? true : undefined), 10_000);
    expect(await store.start(done)).toEqual({ kind: 'terminal', status: 'completed' });
    expect(await redis.exists(shards.keysFor(done.id).jobs.record(done.id))).toBe(0);
    expect((await store.get(tenant, done.id))?.status).toBe('completed');
  });

  it('a mover that died between copying and releasing: the next copies again, one row each', async () => {
    const tenant = `t-${newJobId()}`;
    const { finished } = await jobsInEveryState(tenant);
    const ids = finished.map((j) => j.id);
    // What a mover does before it dies: take and copy, no release.
    for (const shard of shards.all()) {
      const batch = await handoff.take(shard, 100);
      if (batch) await history.writeJobs(batch.records.map((r) => ({ ...toJobView(r), tenantId: r.tenantId })));
    }
    expect(await rowsOf(ids)).toBe('4');
    expect(await pendingCount()).toBeGreaterThanOrEqual(4);
    await mover.moveOnce();
    expect(await pendingCount()).toBe(0);
    expect(await rowsOf(ids)).toBe('4');
  });

  it('one process moves a shard at a time (its lease)', async () => {
    const tenant = `t-${newJobId()}`;
    await jobsInEveryState(tenant);
    for (const shard of shards.all()) expect(await handoff.lease(shard, 'another-process', 5_000)).toBe(true);
    expect(await mover.moveOnce()).toBe(0);
    for (const shard of shards.all()) await handoff.unlease(shard, 'another-process');
    expect(await mover.moveOnce()).toBeGreaterThanOrEqual(4);
  });
});
