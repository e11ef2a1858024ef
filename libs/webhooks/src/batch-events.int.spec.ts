import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatchObject } from '@voxq/contracts';
import type { Config } from '@voxq/config';
import { isAppError } from '@voxq/errors';
import { createLogger } from '@voxq/logging';
import { createRedisConnection } from '@voxq/queues';
import { openProcessResources } from '@voxq/runtime';
import { cleanupPrefix, eventually, startWebhookReceiver, testConfig, type ReceivedWebhook, testQueues } from '@voxq/testing';
import { batchObjectFixture } from './batch-object.fixture';
import { redisKeys } from '@voxq/redis-keys';
import { readDeliveryLog, type DeadLetter } from './delivery-log';
import { startDispatcher } from './dispatcher';
import { WebhookEndpointStore } from './endpoint-store';
import { buildBatchEvent, enqueueBatchEvent, webhookQueueContext } from './events';
import { generateWebhookSecret } from './signing';

const TENANT = 'tenant_batches';
const closers: Array<() => Promise<unknown>> = [];
const configs: Config[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await Promise.all(configs.splice(0).map((c) => cleanupPrefix(c)));
});

/** A dispatcher and a producer on a fresh prefix, the tenant's secret being `secret`. */
async function setup(secret: string, overrides: Record<string, string> = {}) {
  const config = testConfig(overrides);
  configs.push(config);
  const logger = createLogger({ name: 'dispatcher', level: 'silent' });
  const resources = openProcessResources(config, logger, 'dispatcher');
  closers.push(() => resources.close());
  const dispatcher = await startDispatcher({ resources, config, logger, secretFor: async (id) => (id === TENANT ? secret : null) });
  closers.push(() => dispatcher.close());
  const redis = createRedisConnection(config.redis);
  const queues = await testQueues(redis, config);
  const webhooks = webhookQueueContext(queues.webhooks, redis, config.redis.prefix, config.jobs.retentionSeconds);
  closers.push(async () => (await queues.close(), redis.quit()));
  const endpoints = new WebhookEndpointStore(redis, config.redis.prefix, 0);
  const completed = (ids: string[]) =>
    eventually(
      async () => ((await Promise.all(ids.map((id) => queues.webhooks.getJobState(id)))).every((s) => s === 'completed') ? true : undefined),
      10_000,
      'deliveries completed',
    );
  return { config, queues, webhooks, redis, endpoints, completed };
}

async function receiver(secret: string, respond?: (n: number) => number) {
  const r = await startWebhookReceiver({ secret, ...(respond ? { respond: (_req, n) => respond(n) } : {}) });
  closers.push(() => r.close());
  return r;
}

/** A batch that has just reached `status` (recent: listings drop deliveries of events past retention). */
function finishedBatch(status: 'completed' | 'failed' | 'cancelled' | 'expired', overrides: Partial<BatchObject> = {}): BatchObject {
  const at = Math.floor(Date.now() / 1000);
  return batchObjectFixture({
    id: `batch_${at.toString(16)}`,
    status,
    created_at: at - 60,
    expires_at: at + 86_340,
    completed_at: status === 'completed' ? at : null,
    [`${status}_at`]: at,
    ...overrides,
  });
}

/** Verifies a received webhook with the Standard Webhooks library itself, not voxq's code. */
function verify(secret: string, webhook: ReceivedWebhook | undefined): unknown {
  return new Webhook(secret).verify(webhook?.rawBody ?? '', webhook?.headers as Record<string, string>);
}

describe('batch webhook events', () => {
  it("reach the batch's own url and the endpoints subscribed to the type, and no others", async () => {
    const tenantSecret = generateWebhookSecret();
    const { webhooks, endpoints, completed } = await setup(tenantSecret);
    const own = await receiver(tenantSecret);
    const subscribedHook = await receiver('whsec_placeholder');
    const jobsOnlyHook = await receiver('whsec_placeholder');
    const subscribed = await endpoints.create(TENANT, {
      url: subscribedHook.url,
      events: ['batch.cancelled', 'job.completed'],
      description: null,
      enabled: true,
    });
    subscribedHook.setSecret(subscribed.secret);
    const jobsOnly = await endpoints.create(TENANT, {
      url: jobsOnlyHook.url,
      events: ['job.completed', 'job.failed', 'job.cancelled'],
      description: null,
      enabled: true,
    });
    jobsOnlyHook.setSecret(jobsOnly.secret);

    const batch = finishedBatch('cancelled', { webhook: { url: own.url }, cancelling_at: Math.floor(Date.now() / 1000) - 1 });
    const event = buildBatchEvent(batch);
    const ids = await enqueueBatchEvent(webhooks, TENANT, batch);
    expect(ids).toHaveLength(2);

    const [atOwn, atEndpoint] = await Promise.all([own.waitFor(() => true), subscribedHook.waitFor(() => true)]);
    for (const [webhook, secret] of [
      [atOwn, tenantSecret],
      [atEndpoint, subscribed.secret],
    ] as const) {
      expect(webhook).toMatchObject({ verified: true, id: `evt_${batch.id}_cancelled` });
      expect(verify(secret, webhook)).toEqual(event);
      expect(webhook.body).toEqual({ id: event.id, type: 'batch.cancelled', timestamp: event.timestamp, data: batch });
    }
    await completed(ids);
    await new Promise((r) => setTimeout(r, 200));
    expect(jobsOnlyHook.received).toHaveLength(0);

    // Recorded and logged under the batch id, as a job's deliveries are under the job's.
    const { deliveries } = webhooks;
    const listed = await deliveries.list(TENANT, { jobId: batch.id, limit: 10 });
    expect(listed.deliveries.map((d) => [d.endpointId, d.eventType, d.state]).sort()).toEqual(
      [
        [null, 'batch.cancelled', 'succeeded'],
        [subscribed.id, 'batch.cancelled', 'succeeded'],
      ].sort(),
    );
    const log = await readDeliveryLog(webhooks.deliveries, TENANT, batch.id);
    expect(log.map((a) => a.url).sort()).toEqual([own.url, subscribedHook.url].sort());
    expect(log.every((a) => a.statusCode === 200)).toBe(true);
  });

  it('delivers each event once however often it is enqueued, with a stable id and timestamp', async () => {
    const tenantSecret = generateWebhookSecret();
    const { webhooks, queues, endpoints, completed } = await setup(tenantSecret);
    const own = await receiver(tenantSecret);
    const hook = await receiver('whsec_placeholder');
    const endpoint = await endpoints.create(TENANT, { url: hook.url, events: ['batch.completed'], description: null, enabled: true });
    hook.setSecret(endpoint.secret);
    const batch = finishedBatch('completed', { webhook: { url: own.url } });

    const first = await enqueueBatchEvent(webhooks, TENANT, batch);
    // A re-run before the first finished: the same queue jobs, which BullMQ does not add twice.
    const again = await enqueueBatchEvent(webhooks, TENANT, structuredClone(batch));
    expect(again.sort()).toEqual(first.sort());
    await completed(first);
    // Once finished, the records say so and nothing is queued again, even with the queue jobs gone.
    for (const id of first) await queues.webhooks.remove(id);
    expect(await enqueueBatchEvent(webhooks, TENANT, batch)).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));

    expect(own.received).toHaveLength(1);
    expect(hook.received).toHaveLength(1);
    const expected = buildBatchEvent(batch);
    expect(expected.timestamp).toBe(new Date((batch.completed_at as number) * 1000).toISOString());
    for (const webhook of [own.received[0], hook.received[0]]) {
      expect(webhook?.id).toBe(`evt_${batch.id}_completed`);
      expect(webhook?.body).toMatchObject({ id: expected.id, type: 'batch.completed', timestamp: expected.timestamp });
    }
  });

  it('dead-letters a batch delivery that fails every attempt, under the batch id', async () => {
    const tenantSecret = generateWebhookSecret();
    const { webhooks, config, redis } = await setup(tenantSecret, { WEBHOOK_RETRY_SCHEDULE: '0,50ms,50ms' });
    const own = await receiver(tenantSecret, () => 503);
    const batch = finishedBatch('expired', { webhook: { url: own.url } });
    await enqueueBatchEvent(webhooks, TENANT, batch);

    const deadLetters = async () =>
      (await redis.lrange(redisKeys(config.redis.prefix).webhookDeliveries.deadLetter(), 0, -1)).map((s) => JSON.parse(s) as DeadLetter);
    const [dead] = await eventually(async () => ((await deadLetters()).length ? deadLetters() : undefined), 10_000, 'dead letter');
    expect(dead).toMatchObject({
      eventId: `evt_${batch.id}_expired`,
      eventType: 'batch.expired',
      jobId: batch.id,
      tenantId: TENANT,
      attempts: 3,
      error: 'receiver answered 503',
    });
    expect(own.received.every((w) => w.verified)).toBe(true);
    expect((await readDeliveryLog(webhooks.deliveries, TENANT, batch.id)).map((a) => a.statusCode)).toEqual([503, 503, 503]);
  });

  it('refuses a batch that has not finished, even without targets', async () => {
    const { webhooks, queues } = await setup(generateWebhookSecret());
    const error = await enqueueBatchEvent(webhooks, TENANT, batchObjectFixture({ status: 'in_progress', completed_at: null, webhook: null })).catch(
      (e: unknown) => e,
    );
    expect(isAppError(error) && error.code).toBe('internal_error');
    expect(await queues.webhooks.count()).toBe(0);
  });
});
