import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection } from '@voxq/queues';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import { eventually, scanKeys, startSimulatedStack, testPostgres, type SimulatedStack, type TestPostgres } from '@voxq/testing';

const FINAL = ['completed', 'failed', 'cancelled', 'expired'];
type BatchBody = Record<string, unknown> & { id: string; status: string; output_file_id: string | null };

/**
 * Batches in the history tier end to end (issue 19): with POSTGRES_URL set, a finished batch
 * moves from Redis to Postgres once its hot window (1 s here) is over, and the API answers it,
 * lists it and refuses to cancel it the same; its output file still reads.
 */
describe('batch history in Postgres', () => {
  let pg: TestPostgres;
  let stack: SimulatedStack;
  let redis: RedisClient;
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    pg = await testPostgres();
    stack = await startSimulatedStack({ POSTGRES_URL: pg.url, POSTGRES_POOL_MAX: '4', JOB_HOT_SECONDS: '1' });
    redis = createRedisConnection(stack.config.redis, { maxRetriesPerRequest: 1 });
    acme = (await stack.createKey('acme')).apiKey;
    globex = (await stack.createKey('globex')).apiKey;
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
    await pg?.drop();
  });

  const createBatch = async (contents: string[]) => {
    const jobs = contents.map((content) => ({ type: 'complete', input: { messages: [{ role: 'user', content }] } }));
    const res = await stack.request(acme, 'POST', '/v1/batches', { jobs });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const settle = (id: string) =>
    eventually(
      async () => {
        const res = await stack.request(acme, 'GET', `/v1/batches/${id}`);
        return FINAL.includes(res.body.status as string) ? (res.body as BatchBody) : undefined;
      },
      25_000,
      `batch ${id} to finish`,
    );
  /** A file's bytes (JSONL, which the stack's JSON reader would not parse). */
  const fileContent = async (id: string | null) => {
    const res = await fetch(`${stack.url}/v1/files/${id}/content`, { headers: { authorization: `Bearer ${acme}` } });
    return { status: res.status, text: await res.text() };
  };
  const recordKey = (id: string) => KeyShards.for(stack.config.redis).base.batches.record('acme', id);

  it('answers, lists and refuses to cancel a finished batch the same once only Postgres has it', async () => {
    const ids = [await createBatch(['one', 'two']), await createBatch(['three'])];
    const hot = await Promise.all(ids.map(settle));
    expect(hot.map((b) => b.status)).toEqual(['completed', 'completed']);
    expect(hot[0]).toMatchObject({ request_counts: { total: 2, completed: 2, failed: 0 } });
    const hotOutput = await fileContent(hot[0]!.output_file_id);
    expect(hotOutput.status).toBe(200);
    expect(hotOutput.text.trim().split('\n')).toHaveLength(2);

    // Moved, then gone from Redis after the hot window: record, counts, job list and index entry.
    await eventually(async () => {
      for (const id of ids) expect(await redis.exists(recordKey(id))).toBe(0);
      return true;
    }, 20_000);
    // What stays is not the batch's: BullMQ's run job (kept an hour, `batchJobOptions`) and the usage charge marker (a counter).
    // The counts in the other shards get their expiry a moment after the record (another slot, another call): waited for too.
    const { prefix } = stack.config.redis;
    const batchKeysLeft = async () =>
      (await scanKeys(redis, '*')).filter(
        (key) => ids.some((id) => key.includes(id)) && !key.startsWith(`${prefix}:q:batches:run.`) && !key.startsWith(`${prefix}:usage:`),
      );
    await eventually(async () => ((await batchKeysLeft()).length === 0 ? true : undefined), 5_000, 'the batch keys to expire').catch(() => undefined);
    expect(await batchKeysLeft()).toEqual([]);
    expect(await redis.zcard(KeyShards.for(stack.config.redis).base.batches.historyPending())).toBe(0);
    const { rows } = await pg.pool.query<{ id: string }>('SELECT id FROM batches WHERE id = ANY($1) ORDER BY id', [ids]);
    expect(rows.map((r) => r.id)).toEqual([...ids].sort());

    for (const [i, id] of ids.entries()) {
      const res = await stack.request(acme, 'GET', `/v1/batches/${id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(hot[i]);
    }
    // Its output file is an S3 object with a record of its own: it reads as before.
    expect(await fileContent(hot[0]!.output_file_id)).toEqual(hotOutput);

    // A third batch still in Redis: the listing pages across both with one cursor, newest first.
    const running = await createBatch(['four']);
    const first = await stack.request(acme, 'GET', '/v1/batches?limit=2');
    expect(first.status).toBe(200);
    const rest = await stack.request(acme, 'GET', `/v1/batches?limit=10&after=${first.body.last_id as string}`);
    const listed = [...(first.body.data as BatchBody[]), ...(rest.body.data as BatchBody[])].map((b) => b.id);
    expect(listed).toEqual([running, ...ids].sort().reverse());
    expect(first.body.has_more).toBe(true);
    expect(rest.body.has_more).toBe(false);

    // Tenants stay apart, and a finished batch still cannot be cancelled.
    expect((await stack.request(globex, 'GET', `/v1/batches/${ids[0]}`)).status).toBe(404);
    expect((await stack.request(globex, 'GET', '/v1/batches')).body.data).toEqual([]);
    const cancel = await stack.request(acme, 'POST', `/v1/batches/${ids[0]}/cancel`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error?.code).toBe('batch_not_cancellable');
    await settle(running);
  });
});
