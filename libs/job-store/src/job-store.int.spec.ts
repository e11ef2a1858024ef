import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errors } from '@voxq/errors';
import { cleanupPrefix, eventually, testConfig } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import { IdempotencyStore } from './idempotency-store';
import { newJobId } from './job-id';
import { MAX_KEPT_INPUT_BYTES, toJobView, type NewJobFields } from './job-record';
import { JobStore } from './job-store';

const config = testConfig();
const fields = (tenantId = 'acme', type: NewJobFields['type'] = 'complete', now = Date.now()): NewJobFields => ({
  id: newJobId(now),
  tenantId,
  type,
  createdAt: new Date(now).toISOString(),
  intent: { language: 'en', optimizeFor: 'balanced' },
  constraints: {},
  metadata: { k: 'v' },
  webhook: null,
});

describe('JobStore', () => {
  let redis: RedisClient;
  let store: JobStore;

  beforeAll(() => {
    redis = createRedisConnection(config.redis);
    store = new JobStore(redis, KeyShards.for(config.redis), 60);
  });
  afterAll(async () => {
    redis.disconnect();
    await cleanupPrefix(config);
  });

  it('walks a job queued → active → completed and expires the finished record', async () => {
    const job = fields();
    expect(await store.create(job)).toBe(true);
    expect(await store.create(job)).toBe(false);
    expect((await store.read(job.id))?.status).toBe('queued');
    expect(await store.start(job)).toEqual({ kind: 'started', attempt: 1, watched: false });
    expect(await store.start(job)).toEqual({ kind: 'started', attempt: 2, watched: false });
    const done = await store.complete(job, { text: 'hi' });
    expect(done.kind).toBe('ok');
    if (done.kind !== 'ok') return;
    expect(done.record).toMatchObject({ status: 'completed', attempts: 2, result: { text: 'hi' }, metadata: { k: 'v' } });
    expect(await redis.ttl(KeyShards.for(config.redis).keysFor(job.id).jobs.record(job.id))).toBeGreaterThan(0);
    expect(await store.start(job)).toEqual({ kind: 'terminal', status: 'completed' });
  });

  it("keeps the input in the record's one write, shows it only when asked, and keeps none past the bound", async () => {
    const input = { text: 'Read me back.', speed: 1 } as NewJobFields['input'];
    const job = { ...fields('acme-input', 'synthesize'), input };
    await store.create(job);
    const record = await store.get('acme-input', job.id, { input: true });
    expect(record?.input).toEqual(input);
    // A read that does not ask leaves it in Redis.
    const plain = await store.get('acme-input', job.id);
    expect(plain).toMatchObject({ id: job.id, status: 'queued', metadata: { k: 'v' } });
    expect(plain).not.toHaveProperty('input');
    expect(toJobView(record!)).not.toHaveProperty('input');
    expect(toJobView(record!, { input: true }).input).toEqual(input);
    expect(await store.get('someone-else', job.id)).toBeNull();
    // A page without inputs leaves them in Redis; with them, each record has its own.
    expect((await store.list('acme-input', { limit: 10 })).jobs[0]).not.toHaveProperty('input');
    expect((await store.list('acme-input', { limit: 10, input: true })).jobs[0]?.input).toEqual(input);
    // A worker creating the record (the API's write not made yet) writes the input the same way.
    const started = { ...fields('acme-input', 'synthesize'), input };
    expect(await store.start(started)).toMatchObject({ kind: 'started' });
    expect((await store.read(started.id))?.input).toEqual(input);
    // The finished record sent back to the worker (for its webhook event) leaves the input behind.
    const done = await store.complete(started, { text: 'ok' });
    expect(done.kind === 'ok' && done.record).not.toHaveProperty('input');

    const huge = { ...fields('acme-input', 'embed'), input: { input: 'x'.repeat(MAX_KEPT_INPUT_BYTES) } as NewJobFields['input'] };
    await store.create(huge);
    const kept = await store.get('acme-input', huge.id, { input: true });
    expect(kept?.input).toBeUndefined();
    expect(toJobView(kept!, { input: true }).input).toBeNull();
  });

  it('keeps the first start time; a resumed attempt is not counted again', async () => {
    const job = fields();
    await store.create(job);
    await store.start(job, {}, new Date('2026-12-01T00:00:00Z'));
    expect(await store.start(job, { countAttempt: false }, new Date('2026-12-01T00:00:05Z'))).toEqual({ kind: 'started', attempt: 1, watched: false });
    expect(await store.requeue(job)).toMatchObject({ kind: 'ok', previous: 'active' });
    expect(await store.start(job, {}, new Date('2026-12-01T00:00:09Z'))).toEqual({ kind: 'started', attempt: 2, watched: false });
    expect(await store.read(job.id)).toMatchObject({ status: 'active', attempts: 2, startedAt: '2026-12-01T00:00:00.000Z' });
    const { jobs: queued } = await store.list('acme', { limit: 100, status: 'queued' });
    expect(queued.map((j) => j.id)).not.toContain(job.id);
  });

  it("adds a completed job's counters and its batch's count in the completing step, once", async () => {
    const job = { ...fields(), batchId: 'batch_counters' };
    await store.create(job);
    await store.start(job);
    const counterKey = KeyShards.for(config.redis).keysFor(job.id).metering.day('acme', '2026-12-01');
    const counters = {
      key: counterKey,
      expireAt: 4_102_444_800,
      increments: [['llm|x|jobs', 1] as [string, number], ['llm|x|input_tokens', 7] as [string, number]],
    };
    expect((await store.complete(job, { text: 'hi' }, { returnRecord: false, counters })).kind).toBe('ok');
    expect((await store.complete(job, { text: 'again' }, { returnRecord: false, counters })).kind).toBe('rejected');
    expect(await redis.hgetall(counterKey)).toEqual({ 'llm|x|jobs': '1', 'llm|x|input_tokens': '7' });
    expect(await redis.expiretime(counterKey)).toBe(4_102_444_800);
    const progress = KeyShards.for(config.redis).keysFor(job.id).batches.progress('acme', 'batch_counters');
    expect(await redis.hget(progress, 'completed')).toBe('1');
  });

  it('lets a worker create the record when it starts before the API wrote it', async () => {
    const job = fields();
    expect(await store.start(job)).toEqual({ kind: 'started', attempt: 1, watched: false });
    expect(await store.create(job)).toBe(false);
    const { jobs } = await store.list('acme', { limit: 100, status: 'active' });
    expect(jobs.map((j) => j.id)).toContain(job.id);
  });

  it("publishes a job's start, held events and end only once someone has marked it watched", async () => {
    const keys = (id: string) => KeyShards.for(config.redis).keysFor(id);
    const subscriber = createRedisConnection(config.redis);
    const heard: Array<[string, string]> = [];
    subscriber.on('message', (channel: string, message: string) => heard.push([channel, message]));
    try {
      const quiet = fields('acme-watch');
      const loud = fields('acme-watch');
      const nowhere = fields('acme-watch');
      for (const job of [quiet, loud]) {
        await store.create(job);
        await subscriber.subscribe(keys(job.id).channels.jobEvents(job.id), keys(job.id).channels.jobDone(job.id));
      }
      expect(await store.watch(loud.id)).toBe(true);
      // No record, no mark: a hash holding only the mark would never expire.
      expect(await store.watch(nowhere.id)).toBe(false);
      expect(await redis.exists(keys(nowhere.id).jobs.record(nowhere.id))).toBe(0);
      expect(await store.start(quiet)).toMatchObject({ kind: 'started', watched: false });
      expect(await store.start(loud, {}, new Date('2026-12-07T00:00:00Z'))).toMatchObject({ kind: 'started', watched: true });
      await store.complete(quiet, { text: 'q' }, { events: ['{"type":"provider_attempt","n":0}'] });
      await store.complete(loud, { text: 'l' }, { events: ['{"type":"provider_attempt","n":1}', '{"type":"provider_attempt","n":2}'] });
      // On a cluster a message may be relayed from another node: wait for the last one, then a
      // moment more for anything the quiet job might (wrongly) have sent from its node.
      await eventually(() => (heard.some(([, message]) => message === 'completed') ? true : undefined), 5_000, "the watched job's final status");
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard).toEqual([
        [keys(loud.id).channels.jobEvents(loud.id), '{"type":"started","attempt":1,"at":"2026-12-07T00:00:00.000Z"}'],
        [keys(loud.id).channels.jobEvents(loud.id), '{"type":"provider_attempt","n":1}'],
        [keys(loud.id).channels.jobEvents(loud.id), '{"type":"provider_attempt","n":2}'],
        [keys(loud.id).channels.jobDone(loud.id), 'completed'],
      ]);
      // The mark is not part of what a client reads.
      expect(await store.read(loud.id)).not.toHaveProperty('watched');
    } finally {
      subscriber.disconnect();
    }
  });

  it('filters a listing by status without an index per status, newest first, across pages', async () => {
    const tenant = `acme-status-${newJobId()}`;
    const t0 = Date.now();
    const jobs = Array.from({ length: 7 }, (_, i) => fields(tenant, i % 2 ? 'synthesize' : 'complete', t0 + i));
    for (const job of jobs) await store.create(job);
    for (const job of jobs.slice(0, 5)) await store.start(job);
    for (const job of jobs.slice(0, 2)) await store.complete(job, { text: 'x' });
    const ids = (list: Array<{ id: string }>) => list.map((j) => j.id);
    const byStatus = async (status: 'queued' | 'active' | 'completed', type?: NewJobFields['type']) => {
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await store.list(tenant, { limit: 2, status, ...(type ? { type } : {}), ...(after ? { after } : {}) });
        seen.push(...ids(page.jobs));
        after = page.nextCursor ?? undefined;
      } while (after);
      return seen;
    };
    expect(await byStatus('queued')).toEqual(ids([jobs[6]!, jobs[5]!]));
    expect(await byStatus('active')).toEqual(ids([jobs[4]!, jobs[3]!, jobs[2]!]));
    expect(await byStatus('completed')).toEqual(ids([jobs[1]!, jobs[0]!]));
    expect(await byStatus('active', 'synthesize')).toEqual(ids([jobs[3]!]));
  });

  it('completes the jobs finishing together in one step, each checked on its own, their shared usage added once each', async () => {
    const tenant = `acme-many-${newJobId()}`;
    // All in one shard (a batch is a shard's), so they share its usage hash.
    const shards = KeyShards.for(config.redis);
    const inShardZero = () => {
      for (;;) {
        const job = fields(tenant);
        if (shards.ofId(job.id) === 0) return job;
      }
    };
    const [a, b, cancelled, missing, d] = Array.from({ length: 5 }, inShardZero);
    for (const job of [a!, b!, cancelled!, d!]) {
      await store.create(job);
      await store.start(job);
    }
    await store.cancel(cancelled!);
    const key = KeyShards.for(config.redis).keysFor(a!.id).metering.day(tenant, '2026-12-07');
    const counters = (n: number) => ({
      key,
      expireAt: Math.floor(Date.now() / 1000) + 3600,
      increments: [['llm|openai|jobs', 1] as [string, number], ['llm|openai|input_tokens', n] as [string, number]],
    });
    // Called in the same turn: one batch.
    const outcomes = await Promise.all([
      store.complete(a!, { text: 'a' }, { counters: counters(3) }),
      store.complete(b!, { text: 'b' }, { returnRecord: false, counters: counters(4) }),
      store.complete(cancelled!, { text: 'late' }, { counters: counters(100) }),
      store.complete(missing!, { text: 'none' }, { counters: counters(100) }),
      store.complete(d!, { text: 'd' }, { counters: null }),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['ok', 'ok', 'rejected', 'missing', 'ok']);
    expect(outcomes[0]).toMatchObject({ previous: 'active', record: { id: a!.id, status: 'completed', result: { text: 'a' } } });
    expect(outcomes[1]).toMatchObject({ record: null });
    expect(outcomes[2]).toEqual({ kind: 'rejected', current: 'cancelled' });
    expect(await redis.hgetall(key)).toEqual({ 'llm|openai|jobs': '2', 'llm|openai|input_tokens': '7' });
    expect(await redis.ttl(key)).toBeGreaterThan(0);
    expect((await store.read(d!.id))?.result).toEqual({ text: 'd' });
    expect(await redis.ttl(KeyShards.for(config.redis).keysFor(d!.id).jobs.record(d!.id))).toBeGreaterThan(0);
    // A repeat changes nothing: the usage stays counted once.
    expect((await store.complete(a!, { text: 'again' }, { counters: counters(3) })).kind).toBe('rejected');
    expect(await redis.hget(key, 'llm|openai|jobs')).toBe('2');
  });

  it('never lets a late result overwrite a cancellation', async () => {
    const job = fields();
    await store.create(job);
    await store.start(job);
    expect((await store.cancel(job)).kind).toBe('ok');
    expect(await store.complete(job, { text: 'late' })).toEqual({ kind: 'rejected', current: 'cancelled' });
    expect(await store.fail(job, errors.internal('late').toJSON())).toEqual({ kind: 'rejected', current: 'cancelled' });
    expect((await store.read(job.id))?.result).toBeUndefined();
    expect(await store.cancel(fields())).toEqual({ kind: 'missing' });
  });

  it('keeps each tenant’s indexes to itself and pages them newest first', async () => {
    const t0 = Date.now() - 10_000;
    const mine = Array.from({ length: 7 }, (_, i) => fields('paging', i % 2 ? 'synthesize' : 'complete', t0 + i));
    for (const job of mine) await store.create(job);
    await store.create(fields('someone-else'));
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await store.list('paging', { limit: 3, ...(after ? { after } : {}) });
      seen.push(...page.jobs.map((j) => j.id));
      after = page.nextCursor ?? undefined;
    } while (after);
    expect(seen).toEqual(mine.map((j) => j.id).reverse());
    const synth = await store.list('paging', { limit: 100, type: 'synthesize' });
    expect(synth.jobs.map((j) => j.type)).toEqual(['synthesize', 'synthesize', 'synthesize']);
    expect(await store.get('someone-else', mine[0]!.id)).toBeNull();
  });

  it('drops index entries of records that expired', async () => {
    const job = fields('expiring');
    await store.create(job);
    await redis.del(KeyShards.for(config.redis).keysFor(job.id).jobs.record(job.id));
    expect((await store.list('expiring', { limit: 10 })).jobs).toEqual([]);
    expect(await redis.zcard(KeyShards.for(config.redis).keysFor(job.id).indexes.tenantJobs('expiring'))).toBe(0);
  });
});

describe('IdempotencyStore', () => {
  it('reserves a key once per tenant and reports the first job and body hash after', async () => {
    const redis = createRedisConnection(config.redis);
    const store = new IdempotencyStore(redis, KeyShards.for(config.redis));
    expect(await store.reserve('acme', 'k1', 'job_a', 'h1')).toEqual({ kind: 'reserved' });
    expect(await store.reserve('acme', 'k1', 'job_b', 'h2')).toEqual({ kind: 'existing', jobId: 'job_a', bodyHash: 'h1' });
    expect(await store.reserve('globex', 'k1', 'job_c', 'h1')).toEqual({ kind: 'reserved' });
    redis.disconnect();
  });
});
