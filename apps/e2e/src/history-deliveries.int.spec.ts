import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection } from '@voxq/queues';
import type { RedisClient } from '@voxq/redis-keys';
import {
  eventually,
  scanKeys,
  startSimulatedStack,
  startWebhookReceiver,
  testPostgres,
  type SimulatedStack,
  type TestPostgres,
  type WebhookReceiver,
} from '@voxq/testing';

type Json = Record<string, unknown>;

/**
 * Webhook deliveries in the history tier end to end (issue 19): with POSTGRES_URL set, a
 * finished delivery moves to Postgres with its event and attempt log, leaves Redis after its
 * hot window (1 s here), and the API answers the same; a redelivery brings it back.
 */
describe('webhook deliveries in Postgres', () => {
  let pg: TestPostgres;
  let stack: SimulatedStack;
  let redis: RedisClient;
  let sink: WebhookReceiver;
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    pg = await testPostgres();
    stack = await startSimulatedStack({ POSTGRES_URL: pg.url, POSTGRES_POOL_MAX: '4', JOB_HOT_SECONDS: '1' });
    redis = createRedisConnection(stack.config.redis, { maxRetriesPerRequest: 1 });
    const key = await stack.createKey('acme');
    acme = key.apiKey;
    sink = await startWebhookReceiver({ secret: key.webhookSecret });
    globex = (await stack.createKey('globex')).apiKey;
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
    await sink?.close();
    await pg?.drop();
  });

  const api = (key: string, method: string, path: string) => stack.request(key, method, path);
  /** A finished `complete` job whose own webhook reached the sink, and that delivery. */
  async function deliveredJob(content: string): Promise<{ jobId: string; delivery: Json & { id: string } }> {
    const res = await stack.request(acme, 'POST', '/v1/jobs', {
      type: 'complete',
      input: { messages: [{ role: 'user', content }] },
      webhook: { url: sink.url },
    });
    expect(res.status).toBe(202);
    const jobId = res.body.id as string;
    await stack.waitForJob(acme, jobId);
    const delivery = await eventually(async () => {
      const listed = (await api(acme, 'GET', `/v1/webhook-deliveries?jobId=${jobId}`)).body.data as Array<Json & { id: string }>;
      return listed[0]?.state === 'succeeded' ? listed[0] : undefined;
    }, 15_000);
    return { jobId, delivery };
  }
  /**
   * Every voxq key naming one of `ids` gone from Redis. BullMQ's own copy of a completed
   * delivery job stays its hour (`webhookJobOptions`): it is not voxq's record.
   */
  const gone = (ids: string[]) =>
    eventually(
      async () => {
        const left = (await scanKeys(redis, '*')).filter(
          (key) => ids.some((id) => key.includes(id)) && !key.startsWith(`${stack.config.redis.prefix}:q:webhooks:`),
        );
        if (left.length > 0) throw new Error(`left: ${left.join(', ')}`);
        return true;
      },
      20_000,
      `every key of ${ids.join(', ')} to leave Redis`,
    );
  /** The API's answers about a job's delivery: its detail, the job's attempt log, and the listing by job. */
  const reads = async (jobId: string, deliveryId: string) => ({
    detail: (await api(acme, 'GET', `/v1/webhook-deliveries/${deliveryId}`)).body as Json,
    log: (await api(acme, 'GET', `/v1/jobs/${jobId}/deliveries`)).body as Json,
    listed: (await api(acme, 'GET', `/v1/webhook-deliveries?jobId=${jobId}`)).body as Json,
  });

  it('answers a delivery, its attempts and the listings the same once only Postgres has them', async () => {
    const first = await deliveredJob('one');
    const second = await deliveredJob('two');
    const hot = await reads(first.jobId, first.delivery.id);
    expect(hot.detail).toMatchObject({ id: first.delivery.id, state: 'succeeded', attemptCount: 1, requestPayload: { data: { id: first.jobId } } });
    expect((hot.detail.attempts as Json[]).map((a) => a.responseStatus)).toEqual([200]);
    expect((hot.log.data as Json[]).map((a) => a.statusCode)).toEqual([200]);

    // Moved, then gone from Redis after the hot window: the record, its event, the job's attempt log, the index entries.
    await gone([first.jobId, first.delivery.id, second.jobId, second.delivery.id]);
    const { rows } = await pg.pool.query<{ id: string }>('SELECT id FROM webhook_deliveries WHERE id = ANY($1) ORDER BY id', [
      [first.delivery.id, second.delivery.id],
    ]);
    expect(rows.map((r) => r.id)).toEqual([first.delivery.id, second.delivery.id].sort());
    expect(await reads(first.jobId, first.delivery.id)).toEqual(hot);

    // A cursor across the listing of Postgres's deliveries.
    const page = (await api(acme, 'GET', '/v1/webhook-deliveries?limit=1&state=succeeded')).body as { data: Json[]; nextCursor: string };
    const rest = (await api(acme, 'GET', `/v1/webhook-deliveries?limit=10&state=succeeded&cursor=${page.nextCursor}`)).body as { data: Json[] };
    expect([...page.data, ...rest.data].map((d) => d.id)).toEqual([second.delivery.id, first.delivery.id]);

    // Tenants stay apart.
    expect((await api(globex, 'GET', `/v1/webhook-deliveries/${first.delivery.id}`)).status).toBe(404);
    expect((await api(globex, 'GET', `/v1/jobs/${first.jobId}/deliveries`)).status).toBe(404);
    expect((await api(globex, 'GET', '/v1/webhook-deliveries')).body.data).toEqual([]);
  });

  it('redelivers a delivery only Postgres has: sent again, then moved again with its new series', async () => {
    const { jobId, delivery } = await deliveredJob('three');
    await gone([jobId, delivery.id]);
    const before = sink.received.length;

    const again = await api(acme, 'POST', `/v1/webhook-deliveries/${delivery.id}/redeliver`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: delivery.id, state: 'succeeded', delivered: true, httpStatus: 200 });
    expect(sink.received.length).toBe(before + 1);
    expect(sink.received.at(-1)?.id).toBe(`evt_${jobId}_completed`);

    await gone([jobId, delivery.id]);
    const { rows } = await pg.pool.query<{ series: string }>(`SELECT record->>'series' AS series FROM webhook_deliveries WHERE id = $1`, [delivery.id]);
    expect(rows).toEqual([{ series: '1' }]);
    const detail = (await api(acme, 'GET', `/v1/webhook-deliveries/${delivery.id}`)).body as Json;
    expect((detail.attempts as Json[]).map((a) => a.trigger)).toEqual(['manual', 'automatic']);
    expect(((await api(acme, 'GET', `/v1/jobs/${jobId}/deliveries`)).body.data as Json[]).map((a) => a.statusCode)).toEqual([200, 200]);
  });
});
