import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection } from '@voxq/queues';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import { eventually, startSimulatedStack, startTcpProxy, testPostgres, type SimulatedStack, type TcpProxy, type TestPostgres } from '@voxq/testing';

/**
 * Postgres down (issue 19, point 5): jobs keep running, their records wait in Redis with no
 * expiry, reads of them keep working; once Postgres is back every record reaches it, once.
 * The outage is a TCP proxy in front of the test Postgres, cut and restored. The backlog is
 * bounded (HISTORY_PENDING_MAX, 5 here): at the bound new jobs get 503 until it drains.
 */
describe('the history tier while Postgres is down', () => {
  let pg: TestPostgres;
  let proxy: TcpProxy;
  let stack: SimulatedStack;
  let redis: RedisClient;
  let acme: string;

  beforeAll(async () => {
    pg = await testPostgres();
    const direct = new URL(pg.url);
    proxy = await startTcpProxy(`http://${direct.hostname}:${direct.port || 5432}`);
    const viaProxy = new URL(pg.url);
    viaProxy.port = new URL(proxy.url).port;
    stack = await startSimulatedStack({ POSTGRES_URL: viaProxy.toString(), POSTGRES_POOL_MAX: '2', JOB_HOT_SECONDS: '1', HISTORY_PENDING_MAX: '5' });
    redis = createRedisConnection(stack.config.redis, { maxRetriesPerRequest: 1 });
    acme = (await stack.createKey('acme')).apiKey;
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
    await proxy?.close();
    await pg?.drop();
  });

  const pending = async () => {
    const shards = KeyShards.for(stack.config.redis);
    let n = 0;
    for (const k of shards.all()) n += await redis.zcard(shards.keysOf(k).history.pending());
    return n;
  };

  it('keeps finished records in Redis until Postgres is back, then moves each once', async () => {
    await proxy.down();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await stack.request(acme, 'POST', '/v1/jobs', { type: 'complete', input: { messages: [{ role: 'user', content: `n${i}` }] } });
      expect(res.status).toBe(202);
      ids.push(res.body.id as string);
    }
    const finished = await Promise.all(ids.map((id) => stack.waitForJob(acme, id)));
    expect(finished.map((j) => j.status)).toEqual(Array(5).fill('completed'));
    // Past the hot window: still in Redis (nothing expires before Postgres has it), still readable.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await pending()).toBe(5);
    for (const id of ids) {
      const key = KeyShards.for(stack.config.redis).keysFor(id).jobs.record(id);
      expect(await redis.ttl(key)).toBe(-1);
      expect((await stack.request(acme, 'GET', `/v1/jobs/${id}`)).status).toBe(200);
    }
    // At the bound: nothing more is taken (and nothing queued) until the history tier catches up.
    const refused = await stack.request(acme, 'POST', '/v1/jobs', { type: 'complete', input: { messages: [{ role: 'user', content: 'one too many' }] } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(refused.body).toMatchObject({ error: { code: 'service_unavailable', type: 'api_error' } });
    // Nothing was queued: a job taken would have run and finished by now, and would wait too.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await pending()).toBe(5);
    await proxy.up();
    // The mover backs off while Postgres is away (up to 30 s), then moves them.
    await eventually(async () => ((await pending()) === 0 ? true : undefined), 60_000, 'the backlog moved');
    const { rows } = await pg.pool.query<{ id: string; n: string }>('SELECT id, count(*) AS n FROM jobs WHERE id = ANY($1) GROUP BY id', [ids]);
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.n === '1')).toBe(true);
    await eventually(async () => {
      const res = await stack.request(acme, 'GET', `/v1/jobs/${ids[0]}`);
      const key = KeyShards.for(stack.config.redis).keysFor(ids[0]!).jobs.record(ids[0]!);
      return res.status === 200 && (await redis.exists(key)) === 0 ? true : undefined;
    }, 20_000);
    // Drained: new jobs are taken again (the count the API keeps is at most a second old).
    await eventually(async () => {
      const res = await stack.request(acme, 'POST', '/v1/jobs', { type: 'complete', input: { messages: [{ role: 'user', content: 'after' }] } });
      return res.status === 202 ? true : undefined;
    }, 10_000);
  });
});
