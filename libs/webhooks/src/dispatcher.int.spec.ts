import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '@voxq/config';
import { createLogger } from '@voxq/logging';
import { createRedisConnection } from '@voxq/queues';
import { openProcessResources } from '@voxq/runtime';
import { cleanupPrefix, eventually, startWebhookReceiver, testConfig, testQueues } from '@voxq/testing';
import type { DeadLetter, DeliveryAttempt } from './delivery-log';
import { redisKeys } from '@voxq/redis-keys';
import { startDispatcher } from './dispatcher';
import { signingSecrets, tenantHasEndpoints, WebhookEndpointStore } from './endpoint-store';
import { buildJobEvent, enqueueJobEvent, enqueueWebhook, webhookQueueContext } from './events';
import { jobViewFixture } from './job-view.fixture';
import { generateWebhookSecret } from './signing';

const TENANT = 'tenant_a';
const closers: Array<() => Promise<unknown>> = [];
const configs: Config[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await Promise.all(configs.splice(0).map((c) => cleanupPrefix(c)));
});

/** A dispatcher and a producer on a fresh prefix; `logs` collects what the dispatcher logged. */
async function setup(overrides: Record<string, string> = {}, secrets: Record<string, string> = {}) {
  const config = testConfig(overrides);
  configs.push(config);
  const logs: string[] = [];
  const destination = new PassThrough().on('data', (line: Buffer) => logs.push(String(line)));
  const logger = createLogger({ name: 'dispatcher', level: 'debug', destination });
  const resources = openProcessResources(config, logger, 'dispatcher');
  closers.push(() => resources.close());
  const dispatcher = await startDispatcher({ resources, config, logger, secretFor: async (id) => secrets[id] ?? null });
  closers.push(() => dispatcher.close());
  const redis = createRedisConnection(config.redis);
  const queues = await testQueues(redis, config);
  const webhooks = webhookQueueContext(queues.webhooks, redis, config.redis.prefix, config.jobs.retentionSeconds);
  closers.push(async () => (await queues.close(), redis.quit()));

  const deliveries = async (jobId = 'job_01') =>
    (await redis.lrange(redisKeys(config.redis.prefix).webhookDeliveries.attemptLog(jobId), 0, -1)).map((s) => JSON.parse(s) as DeliveryAttempt);
  const deadLetters = async () =>
    (await redis.lrange(redisKeys(config.redis.prefix).webhookDeliveries.deadLetter(), 0, -1)).map((s) => JSON.parse(s) as DeadLetter);
  const stateOf = async (deliveryId: string, state: string) => ((await queues.webhooks.getJobState(deliveryId)) === state ? true : undefined);
  return { config, queues, webhooks, redis, deliveries, deadLetters, stateOf, logs };
}

async function receiver(secret: string, respond?: (n: number) => number) {
  const r = await startWebhookReceiver({ secret, ...(respond ? { respond: (_req, n) => respond(n) } : {}) });
  closers.push(() => r.close());
  return r;
}

describe('webhook dispatcher', () => {
  it('retries a failing receiver until it answers 2xx, with the same signed event id each time', async () => {
    const secret = generateWebhookSecret();
    const { webhooks, deliveries, stateOf } = await setup({}, { [TENANT]: secret });
    const hook = await receiver(secret, (n) => (n <= 2 ? 500 : 200));
    const view = jobViewFixture({ webhook: { url: hook.url } });

    const [deliveryId] = await enqueueJobEvent(webhooks, TENANT, view);
    expect(deliveryId).toBeDefined();
    await hook.waitFor((w) => w.status === 200);

    expect(hook.received.map((w) => w.status)).toEqual([500, 500, 200]);
    expect(new Set(hook.received.map((w) => w.id))).toEqual(new Set(['evt_job_01_completed']));
    expect(hook.received.every((w) => w.verified)).toBe(true);
    expect(hook.received[2]?.body).toEqual(buildJobEvent('job.completed', view));
    const last = hook.received[2];
    expect(new Webhook(secret).verify(last?.rawBody ?? '', last?.headers as Record<string, string>)).toMatchObject({ type: 'job.completed' });

    await eventually(() => stateOf(deliveryId as string, 'completed'), 10_000, 'delivery completed');
    const log = await deliveries();
    expect(log.map((a) => [a.attempt, a.status])).toEqual([
      [3, 200],
      [2, 500],
      [1, 500],
    ]);
    expect(log[0]).toMatchObject({ url: hook.url, error: null, excerpt: 'status 200' });
    expect(log[1]).toMatchObject({ error: 'receiver answered 500', excerpt: 'status 500' });
  });

  it('delivers an event once however often it is enqueued', async () => {
    const secret = generateWebhookSecret();
    const { queues, stateOf } = await setup({}, { [TENANT]: secret });
    const hook = await receiver(secret);
    const event = buildJobEvent('job.failed', jobViewFixture({ status: 'failed' }));
    const first = await enqueueWebhook(queues.webhooks, { tenantId: TENANT, url: hook.url, event });
    await hook.waitFor(() => true);
    const again = await enqueueWebhook(queues.webhooks, { tenantId: TENANT, url: hook.url, event });
    expect(again).toBe(first);
    await eventually(() => stateOf(first, 'completed'), 10_000, 'delivery completed');
    await new Promise((r) => setTimeout(r, 200));
    expect(hook.received).toHaveLength(1);
  });

  it('counts a redirect as a failure', async () => {
    const secret = generateWebhookSecret();
    const { webhooks, deliveries } = await setup({}, { [TENANT]: secret });
    const hook = await receiver(secret, (n) => (n === 1 ? 302 : 200));
    await enqueueJobEvent(webhooks, TENANT, jobViewFixture({ webhook: { url: hook.url } }));
    await hook.waitFor((w) => w.status === 200);
    const log = await eventually(async () => ((await deliveries()).length === 2 ? deliveries() : undefined));
    expect(log[1]).toMatchObject({ attempt: 1, status: 302, error: 'receiver answered 302' });
  });

  it('times out a hanging receiver and retries it', async () => {
    const secret = generateWebhookSecret();
    const { webhooks, deliveries } = await setup({ WEBHOOK_TIMEOUT_MS: '300' }, { [TENANT]: secret });
    let calls = 0;
    const server = createServer((req, res) => {
      calls += 1;
      if (calls === 1) return; // never answers
      req.resume().once('end', () => res.writeHead(200).end('ok'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => (server.closeAllConnections(), server.close(r))));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

    await enqueueJobEvent(webhooks, TENANT, jobViewFixture({ webhook: { url } }));
    const log = await eventually(async () => ((await deliveries()).some((a) => a.status === 200) ? deliveries() : undefined));
    expect(log.map((a) => a.status)).toEqual([200, null]);
    expect(log[1]).toMatchObject({ attempt: 1, error: 'request failed: timed out after 300 ms', excerpt: null });
    expect(log[1]?.ms).toBeGreaterThanOrEqual(290);
  });

  it('dead-letters a delivery that fails every attempt, without logging the secret', async () => {
    const secret = generateWebhookSecret();
    const { webhooks, deadLetters, stateOf, deliveries, logs } = await setup({ WEBHOOK_RETRY_SCHEDULE: '0,50ms,50ms' }, { [TENANT]: secret });
    const hook = await receiver(secret, () => 503);
    const [queueJobId] = await enqueueJobEvent(webhooks, TENANT, jobViewFixture({ webhook: { url: `${hook.url}?token=abc` } }));
    const deliveryId = queueJobId as string;

    const [dead] = await eventually(async () => ((await deadLetters()).length ? deadLetters() : undefined));
    expect(dead).toMatchObject({
      deliveryId: expect.stringMatching(/^wd_/),
      eventId: 'evt_job_01_completed',
      eventType: 'job.completed',
      jobId: 'job_01',
      tenantId: TENANT,
      url: `${hook.url}?token=abc`,
      attempts: 3,
      error: 'receiver answered 503',
    });
    await eventually(() => stateOf(deliveryId, 'failed'), 10_000, 'delivery failed');
    expect(hook.received).toHaveLength(3);
    expect(await deliveries()).toHaveLength(3);
    const text = logs.join('');
    expect(text).toContain('webhook dead-lettered');
    expect(text).not.toContain(secret);
    expect(text).not.toContain('token=abc');
  });

  it('refuses a private URL when private networks are not allowed, without retrying', async () => {
    const secret = generateWebhookSecret();
    const { queues, deadLetters, stateOf } = await setup({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' }, { [TENANT]: secret });
    const hook = await receiver(secret);
    const byHostName = hook.url.replace('127.0.0.1', 'localhost');
    const ids = [
      await enqueueWebhook(queues.webhooks, { tenantId: TENANT, url: hook.url, event: buildJobEvent('job.completed', jobViewFixture()) }),
      await enqueueWebhook(queues.webhooks, { tenantId: TENANT, url: byHostName, event: buildJobEvent('job.completed', jobViewFixture()) }),
    ];
    for (const id of ids) await eventually(() => stateOf(id, 'failed'), 10_000, 'delivery refused');
    const dead = await deadLetters();
    expect(dead).toHaveLength(2);
    for (const entry of dead) expect(entry).toMatchObject({ attempts: 1, error: expect.stringMatching(/^refused: .*private or reserved address/) });
    expect(hook.received).toHaveLength(0);
  });

  it('fails at once a tenant without a secret and job data that is not a delivery', async () => {
    const { webhooks, queues, deadLetters } = await setup();
    const hook = await receiver(generateWebhookSecret());
    await enqueueJobEvent(webhooks, 'tenant_without_secret', jobViewFixture({ webhook: { url: hook.url } }));
    await queues.webhooks.add('job.completed', { tenantId: TENANT, url: hook.url });
    const dead = await eventually(async () => ((await deadLetters()).length === 2 ? deadLetters() : undefined));
    expect(dead.map((d) => d.error).sort()).toEqual([expect.stringMatching(/^invalid delivery data: event/), 'tenant has no webhook secret']);
    expect(hook.received).toHaveLength(0);
  });

  it("fans out to the tenant's endpoints for a job without its own url, once however often it is enqueued", async () => {
    const { webhooks, config, queues, redis } = await setup();
    const endpoints = new WebhookEndpointStore(redis, config.redis.prefix, 0);
    expect(await tenantHasEndpoints(webhooks.endpoints, TENANT)).toBe(false);
    expect(await enqueueJobEvent(webhooks, TENANT, jobViewFixture({ webhook: null }))).toEqual([]);

    const hook = await receiver('whsec_placeholder');
    const endpoint = await endpoints.create(TENANT, { url: hook.url, events: ['job.completed'], description: null, enabled: true });
    hook.setSecret(endpoint.secret);
    await endpoints.create(TENANT, { url: hook.url, events: ['job.failed'], description: null, enabled: true });
    await new Promise((r) => setTimeout(r, 1_050)); // the shared store's cache said "none" a moment ago
    expect(await tenantHasEndpoints(webhooks.endpoints, TENANT)).toBe(true);

    const view = jobViewFixture({ webhook: null });
    const ids = await enqueueJobEvent(webhooks, TENANT, view);
    expect(ids).toHaveLength(1);
    const delivered = await hook.waitFor(() => true);
    expect(delivered).toMatchObject({ verified: true, id: 'evt_job_01_completed' });
    // Recorded and finished: a second enqueue (a worker re-run) sends nothing more.
    await eventually(async () => ((await queues.webhooks.getJobState(ids[0]!)) === 'completed' ? true : undefined));
    await queues.webhooks.remove(ids[0]!);
    expect(await enqueueJobEvent(webhooks, TENANT, view)).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(hook.received).toHaveLength(1);
  });

  it('cancels a pending delivery whose endpoint was disabled before its retry', async () => {
    const { webhooks, config, redis } = await setup({ WEBHOOK_RETRY_SCHEDULE: '0,300ms,300ms' });
    const endpoints = new WebhookEndpointStore(redis, config.redis.prefix, 0);
    const hook = await receiver('whsec_placeholder', () => 500);
    const endpoint = await endpoints.create(TENANT, { url: hook.url, events: ['job.completed'], description: null, enabled: true });
    // A recent event: listings drop deliveries of events older than the retention period.
    await enqueueJobEvent(webhooks, TENANT, jobViewFixture({ webhook: null, finishedAt: new Date().toISOString() }));
    await hook.waitFor(() => true);
    await endpoints.update(TENANT, endpoint.id, { enabled: false });
    const { deliveries } = webhooks;
    const page = await eventually(async () => {
      const p = await deliveries.list(TENANT, { state: 'cancelled', limit: 10 });
      return p.deliveries.length ? p : undefined;
    });
    expect(page.deliveries[0]).toMatchObject({ endpointId: endpoint.id, attempts: 1, lastError: 'endpoint disabled', lastStatusCode: 500 });
    expect(hook.received).toHaveLength(1);
  });
});

describe('signingSecrets', () => {
  it('adds the previous secret only until its grace period ends', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    const endpoint = {
      id: 'we_1',
      tenantId: TENANT,
      url: 'https://example.com',
      events: [],
      description: null,
      name: 'example.com',
      headers: {},
      timeoutMs: null,
      customSecret: null,
      enabled: true,
      disabledReason: null,
      secret: 'whsec_new',
      previousSecret: 'whsec_old',
      previousSecretExpiresAt: '2025-01-01T00:00:01.000Z',
      createdAt: '',
      updatedAt: '',
    } as const;
    expect(signingSecrets({ ...endpoint, events: [] }, now)).toEqual(['whsec_new', 'whsec_old']);
    expect(signingSecrets({ ...endpoint, events: [] }, now + 1_000)).toEqual(['whsec_new']);
    // A tenant's own secret (`signingSecretSource: 'custom'`) signs alone.
    expect(signingSecrets({ ...endpoint, events: [], customSecret: 'whsec_mine' }, now)).toEqual(['whsec_mine']);
  });
});
