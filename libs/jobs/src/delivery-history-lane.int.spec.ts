import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView, WebhookDeliveryState } from '@voxq/contracts';
import { createPostgresPool, HistoryStore, migrate } from '@voxq/history';
import { HistoryHandoff, newJobId } from '@voxq/job-store';
import { createLogger } from '@voxq/logging';
import { createRedisConnection } from '@voxq/queues';
import { KeyShards, redisKeys, type RedisClient } from '@voxq/redis-keys';
import { cleanupPrefix, eventually, freePort, testConfig, testPostgres, type TestPostgres } from '@voxq/testing';
import { appendAttempt, buildJobEvent, DeliveryHandoff, WebhookDeliveryStore, type DeliveryRecord } from '@voxq/webhooks';
import { deliveryHistoryLane } from './delivery-history-lane';
import { HistoryMover } from './history-mover';

/** Finished webhook deliveries leave Redis for the history tier, and reads find them either side: real Redis, real Postgres. */
describe('the webhook deliveries lane of the history mover', () => {
  const config = testConfig();
  const keys = redisKeys(config.redis.prefix).webhookDeliveries;
  const logger = createLogger({ name: 'test', level: 'silent' });
  const RETENTION = 600;
  let redis: RedisClient;
  let pg: TestPostgres;
  let history: HistoryStore;
  /** The API's store: moves deliveries and reads the history tier. */
  let store: WebhookDeliveryStore;
  let handoff: DeliveryHandoff;
  let mover: HistoryMover;

  beforeAll(async () => {
    redis = createRedisConnection(config.redis, { maxRetriesPerRequest: null });
    pg = await testPostgres();
    await migrate(pg.pool);
    history = new HistoryStore(pg.pool, { retentionDays: 30, partitionsAheadDays: 3 });
    await history.maintain();
    store = new WebhookDeliveryStore(redis, config.redis.prefix, RETENTION, { history });
    // A hot window of 1 s: released deliveries leave Redis a moment after.
    handoff = new DeliveryHandoff(redis, config.redis.prefix, 1);
    const shards = KeyShards.for(config.redis);
    mover = new HistoryMover(new HistoryHandoff(redis, shards, 1), history, {
      shards: shards.all(),
      batchSize: 2,
      idleMs: 50,
      logger,
      lanes: [deliveryHistoryLane(handoff, history, 2)],
    });
  });
  afterAll(async () => {
    redis.disconnect();
    await pg.drop();
    await cleanupPrefix(config);
  });

  const jobView = (): JobView => {
    const at = new Date().toISOString();
    return {
      id: newJobId(),
      object: 'job',
      type: 'complete',
      status: 'completed',
      intent: { language: 'en', optimizeFor: 'balanced' },
      constraints: {},
      metadata: {},
      webhook: { url: 'https://receiver.example/own' },
      attempts: 1,
      createdAt: at,
      startedAt: at,
      finishedAt: at,
      result: null,
      error: null,
    };
  };

  /** A job's event to `targets` urls, each delivery attempted once and left in `states` (in order). */
  async function deliveriesOfJob(tenantId: string, states: WebhookDeliveryState[]): Promise<{ job: JobView; deliveries: DeliveryRecord[] }> {
    const job = jobView();
    const event = buildJobEvent('job.completed', job);
    const deliveries: DeliveryRecord[] = [];
    for (const [i, state] of states.entries()) {
      const { id } = await store.record(tenantId, event, { url: `https://receiver.example/${i}`, endpointId: null });
      const record = (await store.read(id))!;
      if (state === 'pending') {
        deliveries.push(record);
        continue;
      }
      await store.transition(record, 'delivering', ['pending'], {}, { mode: 'attempt' });
      const status = state === 'succeeded' ? 200 : 503;
      const line = {
        attempt: 1,
        at: new Date().toISOString(),
        url: record.url,
        status,
        ms: 5,
        excerpt: 'ok',
        error: null,
        deliveryId: id,
        endpointId: null,
        series: 0,
      };
      await appendAttempt(
        { redis, prefix: config.redis.prefix, retentionSeconds: RETENTION },
        { tenantId, url: record.url, event, deliveryId: id, endpointId: null },
        line,
      );
      const done = await store.transition(record, state, ['delivering'], { lastStatusCode: status });
      if (done.kind !== 'ok') throw new Error(`not ${state}: ${done.kind}`);
      deliveries.push(done.record);
    }
    return { job, deliveries };
  }

  const pending = () => redis.zcard(keys.historyPending());
  const rows = async (ids: string[]) =>
    (
      await pg.pool.query<{ id: string; state: string; series: number }>(
        `SELECT id, state, (record->>'series')::int AS series FROM webhook_deliveries WHERE id = ANY($1) ORDER BY id`,
        [ids],
      )
    ).rows;
  const lines = async (subject: string) =>
    Number((await pg.pool.query<{ n: string }>('SELECT count(*) AS n FROM webhook_attempts WHERE subject_id = $1', [subject])).rows[0]!.n);
  /** Every page of a listing, following its cursor. */
  async function walk(tenantId: string, limit: number, filters: Partial<Parameters<WebhookDeliveryStore['list']>[1]> = {}): Promise<string[]> {
    const ids: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await store.list(tenantId, { limit, ...filters, ...(after ? { after } : {}) });
      ids.push(...page.deliveries.map((d) => d.id));
      if (!page.nextCursor) return ids;
      after = page.nextCursor;
    }
    throw new Error('the listing never ended');
  }
  const newestFirst = (ids: string[]) => [...ids].sort().reverse();
  const gone = (key: string) => eventually(async () => ((await redis.exists(key)) === 0 ? true : undefined), 10_000, `${key} to expire`);

  it('moves finished deliveries with their events and attempt lines; reads, listings and cursors see them the same either side', async () => {
    const tenant = `t-${newJobId()}`;
    const { job, deliveries } = await deliveriesOfJob(tenant, ['succeeded', 'failed']);
    const open = await deliveriesOfJob(tenant, ['pending']);
    const [done, failed] = deliveries as [DeliveryRecord, DeliveryRecord];
    // Waiting to move: no expiry until the history tier holds them; the open one keeps its retention.
    expect(await redis.ttl(keys.record(done.id))).toBe(-1);
    expect(await redis.ttl(keys.record(open.deliveries[0]!.id))).toBeGreaterThan(0);
    expect(await redis.zscore(keys.historyPending(), open.deliveries[0]!.id)).toBeNull();
    const before = { done: await store.find(tenant, done.id), list: await walk(tenant, 10), log: await store.attempts(tenant, job.id) };
    expect(before.log).toHaveLength(2);

    expect(await mover.moveOnce()).toBeGreaterThanOrEqual(2);
    expect(await pending()).toBe(0);
    expect((await rows([done.id, failed.id])).map((r) => r.state)).toEqual([done, failed].sort((a, b) => (a.id < b.id ? -1 : 1)).map((d) => d.state));
    expect(await lines(job.id)).toBe(2);
    // Out of the indexes at once, out of Redis after the hot window: record, event, attempt log.
    expect(await redis.zscore(keys.tenantIndex(tenant), done.id)).toBeNull();
    for (const key of [keys.record(done.id), keys.record(failed.id), keys.event(done.eventId), keys.attemptLog(job.id)]) await gone(key);

    expect(await store.find(tenant, done.id)).toEqual({ ...before.done, moved: true });
    expect(await store.attempts(tenant, job.id)).toEqual(before.log);
    expect(await walk(tenant, 10)).toEqual(before.list);
    // Pages of one and two across Redis (the open delivery) and Postgres: every delivery once, newest first.
    const all = newestFirst([done.id, failed.id, open.deliveries[0]!.id]);
    expect(await walk(tenant, 1)).toEqual(all);
    expect(await walk(tenant, 2)).toEqual(all);
    expect(await walk(tenant, 10, { state: 'failed' })).toEqual([failed.id]);
    expect(await walk(tenant, 10, { state: 'pending' })).toEqual([open.deliveries[0]!.id]);
    expect(await walk(tenant, 1, { jobId: job.id })).toEqual(newestFirst([done.id, failed.id]));

    // Another tenant sees none of it.
    const other = `t-${newJobId()}`;
    expect(await store.get(other, done.id)).toBeNull();
    expect(await store.find(other, done.id)).toBeNull();
    expect(await store.attempts(other, job.id)).toEqual([]);
    expect(await walk(other, 10)).toEqual([]);
  });

  it('a mover that died between copying and releasing: the next copies again, one row and one line each', async () => {
    const tenant = `t-${newJobId()}`;
    const { job, deliveries } = await deliveriesOfJob(tenant, ['succeeded', 'cancelled', 'expired']);
    const ids = deliveries.map((d) => d.id);
    // What a mover does before it dies: take and copy, no release.
    const batch = (await handoff.take(100))!;
    await history.writeDeliveries(batch.deliveries);
    await history.writeAttemptLogs(batch.logs);
    expect(await rows(ids)).toHaveLength(3);
    expect(await pending()).toBe(3);
    expect(await redis.ttl(keys.record(ids[0]!))).toBe(-1);

    await mover.moveOnce();
    expect(await pending()).toBe(0);
    expect(await rows(ids)).toHaveLength(3);
    expect(await lines(job.id)).toBe(3);
  });

  it('a delivery redelivered after it moved is put back in Redis, sent again, and moves again over its old row', async () => {
    const tenant = `t-${newJobId()}`;
    const { job, deliveries } = await deliveriesOfJob(tenant, ['failed']);
    const first = deliveries[0]!;
    await mover.moveOnce();
    await gone(keys.record(first.id));
    await gone(keys.attemptLog(job.id));

    // What redeliverWebhook does: restore, then start a new series.
    const found = (await store.find(tenant, first.id))!;
    expect(found.moved).toBe(true);
    await store.restore({ ...found, event: found.event! });
    const again = await store.transition(found.record, 'pending', ['failed'], {}, { mode: 'redeliver' });
    expect(again).toMatchObject({ kind: 'ok', record: { state: 'pending', series: 1 } });
    expect(await redis.ttl(keys.record(first.id))).toBeGreaterThan(RETENTION - 10);
    expect(await redis.lrange(keys.attemptLog(job.id), 0, -1)).toHaveLength(1);
    // Listed once, as Redis has it now (Postgres still has it failed).
    expect((await store.list(tenant, { limit: 10 })).deliveries.map((d) => [d.id, d.state])).toEqual([[first.id, 'pending']]);
    expect((await store.list(tenant, { limit: 10, state: 'failed' })).deliveries).toEqual([]);

    const record = (await store.read(first.id))!;
    await store.transition(record, 'delivering', ['pending'], {}, { mode: 'attempt' });
    await store.transition(record, 'succeeded', ['delivering'], { lastStatusCode: 200 });
    expect(await pending()).toBe(1);
    await mover.moveOnce();
    expect(await rows([first.id])).toEqual([{ id: first.id, state: 'succeeded', series: 1 }]);
    await gone(keys.record(first.id));
    expect(await store.get(tenant, first.id)).toMatchObject({ state: 'succeeded', series: 1, attempts: 1 });
  });

  it('a delivery redelivered between take and release is not released: it moves again when its new series ends', async () => {
    const tenant = `t-${newJobId()}`;
    const { deliveries } = await deliveriesOfJob(tenant, ['failed']);
    const first = deliveries[0]!;
    const batch = (await handoff.take(100))!;
    await history.writeDeliveries(batch.deliveries);
    const found = (await store.find(tenant, first.id))!;
    await store.restore({ ...found, event: found.event! });
    await store.transition(found.record, 'pending', ['failed'], {}, { mode: 'redeliver' });

    expect(await handoff.release(batch)).toBe(0);
    expect(await redis.ttl(keys.record(first.id))).toBeGreaterThan(RETENTION - 10);
    expect(await redis.zscore(keys.tenantIndex(tenant), first.id)).not.toBeNull();
    expect(await pending()).toBe(0);
  });

  it('Postgres down: finished deliveries wait in Redis, hot reads work, cold reads answer 503', async () => {
    const down = createPostgresPool({ url: `postgres://postgres@127.0.0.1:${await freePort()}/test`, max: 1 });
    const unreachable = new HistoryStore(down, { retentionDays: 30, partitionsAheadDays: 3 });
    const downStore = new WebhookDeliveryStore(redis, config.redis.prefix, RETENTION, { history: unreachable });
    const downLane = deliveryHistoryLane(new DeliveryHandoff(redis, config.redis.prefix, 1), unreachable, 10);
    try {
      const tenant = `t-${newJobId()}`;
      const { job, deliveries } = await deliveriesOfJob(tenant, ['succeeded']);
      await expect(downLane.move(0, 10)).rejects.toMatchObject({ code: 'service_unavailable', retryable: true });
      expect(await pending()).toBe(1);
      expect(await redis.ttl(keys.record(deliveries[0]!.id))).toBe(-1);
      expect(await downStore.get(tenant, deliveries[0]!.id)).toMatchObject({ state: 'succeeded' });
      expect(await downStore.attempts(tenant, job.id)).toHaveLength(1);
      await expect(downStore.get(tenant, 'wd_0190f0e1a2b3c4d5e6f7a8b9c0ff')).rejects.toMatchObject({ code: 'service_unavailable' });
      await expect(downStore.list(tenant, { limit: 10 })).rejects.toMatchObject({ code: 'service_unavailable' });
      expect((await downStore.list(tenant, { limit: 10, state: 'pending' })).deliveries).toEqual([]);
    } finally {
      await down.end();
    }
    // Back: the backlog moves.
    await mover.moveOnce();
    expect(await pending()).toBe(0);
  });
});
