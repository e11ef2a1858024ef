import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '@voxq/contracts';
import {
  eventually,
  startSimulatedStack,
  startStack,
  startWebhookReceiver,
  testConfig,
  type SimulatedStack,
  type TestStack,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from '@voxq/testing';

type Json = Record<string, unknown>;
const eventIdOf = (w: { body: unknown }) => (w.body as { id?: string }).id;
const jobIdOf = (w: { body: unknown }) => (w.body as { data?: { id?: string } }).data?.id;

/**
 * Endpoints, deliveries and their states through the API, with real receivers on loopback
 * that verify signatures with the `standardwebhooks` package. Three attempts, 50 ms apart.
 */
describe('webhook endpoints and deliveries', () => {
  let stack: SimulatedStack;
  const receivers: WebhookReceiver[] = [];
  let tenants = 0;

  beforeAll(async () => {
    stack = await startSimulatedStack({ WEBHOOK_RETRY_SCHEDULE: '0,50ms,50ms', WEBHOOK_RETRY_AFTER_MAX: '5s' });
  });
  afterAll(async () => {
    await stack?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  /** A fresh tenant (the worker's endpoint cache never saw it) with a sink for its jobs' own webhooks. */
  async function tenant() {
    const key = await stack.createKey(`hooks-${++tenants}`);
    const sink = await receiver({ secret: key.webhookSecret });
    return { ...key, sink };
  }
  async function receiver(options: WebhookReceiverOptions) {
    const r = await startWebhookReceiver(options);
    receivers.push(r);
    return r;
  }
  const api = (key: string, method: string, path: string, body?: unknown) => stack.request(key, method, path, body);
  async function createEndpoint(key: string, body: Json) {
    const res = await api(key, 'POST', '/v1/webhooks', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as Json & { id: string; secret: string };
  }
  /** A `complete` job; its own webhook goes to the tenant's sink, so the worker builds its event. */
  async function finishedJob(t: { apiKey: string; sink: WebhookReceiver }, content = 'hi') {
    const res = await api(t.apiKey, 'POST', '/v1/jobs', { type: 'complete', input: { messages: [{ role: 'user', content }] }, webhook: { url: t.sink.url } });
    expect(res.status).toBe(202);
    const job = await stack.waitForJob(t.apiKey, res.body.id as string);
    expect(job.status).toBe('completed');
    return job.id as string;
  }
  const deliveries = async (key: string, query = '') =>
    (await api(key, 'GET', `/v1/webhook-deliveries${query}`)).body as { data: Json[]; nextCursor: string | null; hasMore: boolean };
  const deliveryTo = async (key: string, jobId: string, endpointId: string | null, state?: string) =>
    eventually(
      async () => {
        const found = (await deliveries(key, `?jobId=${jobId}`)).data.find((d) => d.endpointId === endpointId);
        return found && (!state || found.state === state) ? found : undefined;
      },
      10_000,
      `delivery of ${jobId} to ${endpointId ?? 'its own url'}${state ? ` to be ${state}` : ''}`,
    );

  it('creates, lists, reads, updates and deletes endpoints, each tenant seeing only its own', async () => {
    const a = await tenant();
    const b = await tenant();
    const created = await createEndpoint(a.apiKey, { url: 'http://127.0.0.1:9/hook', description: 'orders' });
    expect(created).toMatchObject({
      id: expect.stringMatching(/^we_[0-9a-f]{28}$/),
      object: 'webhook_endpoint',
      url: 'http://127.0.0.1:9/hook',
      events: [...WEBHOOK_EVENT_TYPES],
      description: 'orders',
      enabled: true,
      secret: expect.stringMatching(/^whsec_/),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const path = `/v1/webhooks/${created.id}`;

    const read = await api(a.apiKey, 'GET', path);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('secret');
    expect((await api(a.apiKey, 'GET', '/v1/webhooks')).body.data).toEqual([read.body]);

    const patched = await api(a.apiKey, 'PATCH', path, { events: ['job.failed'], enabled: false, description: null });
    expect(patched.body).toMatchObject({ events: ['job.failed'], enabled: false, description: null, url: 'http://127.0.0.1:9/hook' });
    expect((await api(a.apiKey, 'PATCH', path, {})).status).toBe(400);
    expect((await api(a.apiKey, 'PATCH', path, { events: ['job.started'] })).body.error).toMatchObject({ param: 'events.0' });
    expect((await api(a.apiKey, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/', secret: 'mine' })).body.error).toMatchObject({ param: 'secret' });

    for (const [method, p] of [
      ['GET', path],
      ['PATCH', path],
      ['DELETE', path],
      ['POST', `${path}/rotate-secret`],
    ] as const) {
      const res = await api(b.apiKey, method, p, method === 'PATCH' ? { enabled: true } : undefined);
      expect(res.status, `${method} ${p}`).toBe(404);
      expect(res.body.error?.code).toBe('webhook_endpoint_not_found');
    }
    expect((await api(b.apiKey, 'GET', '/v1/webhooks')).body.data).toEqual([]);

    expect((await api(a.apiKey, 'DELETE', path)).body).toEqual({ id: created.id, object: 'webhook_endpoint', deleted: true });
    expect((await api(a.apiKey, 'GET', path)).status).toBe(404);
    expect((await api(a.apiKey, 'DELETE', path)).status).toBe(404);
  });

  it("fans a job's event out to its own url and each subscribed endpoint, each signed with its own secret", async () => {
    const t = await tenant();
    const first = await receiver({ secret: 'whsec_placeholder' });
    const failedOnly = await receiver({ secret: 'whsec_placeholder' });
    const e1 = await createEndpoint(t.apiKey, { url: first.url });
    first.setSecret(e1.secret);
    const e2 = await createEndpoint(t.apiKey, { url: failedOnly.url, events: ['job.failed'] });
    failedOnly.setSecret(e2.secret);

    const jobId = await finishedJob(t);
    const own = await t.sink.waitFor((w) => jobIdOf(w) === jobId);
    const viaEndpoint = await first.waitFor((w) => jobIdOf(w) === jobId);
    expect(own.verified && viaEndpoint.verified).toBe(true);
    expect(viaEndpoint.id).toBe(own.id);
    expect(viaEndpoint.body).toMatchObject({ type: 'job.completed', data: { id: jobId, status: 'completed' } });
    // Each target's secret signs only its own deliveries.
    expect(() => new Webhook(e1.secret).verify(own.rawBody, own.headers as Record<string, string>)).toThrow();

    const d = await deliveryTo(t.apiKey, jobId, e1.id, 'succeeded');
    expect(d).toMatchObject({
      id: expect.stringMatching(/^wd_/),
      object: 'webhook_delivery',
      eventId: `evt_${jobId}_completed`,
      eventType: 'job.completed',
      jobId,
      url: first.url,
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    await deliveryTo(t.apiKey, jobId, null, 'succeeded');
    expect((await deliveries(t.apiKey, `?jobId=${jobId}`)).data).toHaveLength(2);
    expect(failedOnly.received).toHaveLength(0);
    // The detail is the listed view with the attempts themselves (`attempts`) and their count (`attemptCount`).
    const { attempts, ...listed } = d;
    expect((await api(t.apiKey, 'GET', `/v1/webhook-deliveries/${d.id}`)).body).toMatchObject({ ...listed, attemptCount: attempts });
  });

  it('sends a tenant endpoint the events of jobs that have no webhook of their own', async () => {
    const t = await tenant();
    const hook = await receiver({ secret: 'whsec_placeholder' });
    const endpoint = await createEndpoint(t.apiKey, { url: hook.url });
    hook.setSecret(endpoint.secret);
    await new Promise((r) => setTimeout(r, 1_100)); // Workers learn of new endpoints within a second.
    const res = await api(t.apiKey, 'POST', '/v1/jobs', { type: 'complete', input: { messages: [{ role: 'user', content: 'no url' }] } });
    const job = await stack.waitForJob(t.apiKey, res.body.id as string);
    const delivered = await hook.waitFor((w) => jobIdOf(w) === job.id);
    expect(delivered.verified).toBe(true);
    expect(delivered.body).toMatchObject({ type: 'job.completed', data: { id: job.id, webhook: null } });
    expect(t.sink.received).toHaveLength(0);
  });

  it('retries until the receiver is back, and logs each attempt on the job', async () => {
    const t = await tenant();
    let up = false;
    const hook = await receiver({ secret: 'whsec_placeholder', respond: () => (up ? 200 : 503) });
    const endpoint = await createEndpoint(t.apiKey, { url: hook.url });
    hook.setSecret(endpoint.secret);

    const jobId = await finishedJob(t);
    await hook.waitFor((w) => jobIdOf(w) === jobId && w.n === 2);
    up = true;
    const delivered = await hook.waitFor((w) => jobIdOf(w) === jobId && w.status === 200);
    expect(delivered.verified).toBe(true);
    expect(new Set(hook.received.map(eventIdOf))).toEqual(new Set([`evt_${jobId}_completed`]));
    const d = await deliveryTo(t.apiKey, jobId, endpoint.id, 'succeeded');
    expect(d).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null });

    const log = await eventually(async () => {
      const res = await api(t.apiKey, 'GET', `/v1/jobs/${jobId}/deliveries`);
      return (res.body.data as Json[]).length === 4 ? (res.body.data as Json[]) : undefined;
    });
    const toEndpoint = log.filter((a) => a.endpointId === endpoint.id);
    expect(toEndpoint.map((a) => [a.attempt, a.statusCode])).toEqual([
      [3, 200],
      [2, 503],
      [1, 503],
    ]);
    expect(toEndpoint[1]).toMatchObject({
      object: 'webhook_attempt',
      deliveryId: d.id,
      url: hook.url,
      error: 'receiver answered 503',
      responseExcerpt: 'status 503',
      latencyMs: expect.any(Number),
      at: expect.any(String),
    });
    expect(log.filter((a) => a.endpointId === null)).toHaveLength(1);

    const other = await tenant();
    expect((await api(other.apiKey, 'GET', `/v1/jobs/${jobId}/deliveries`)).status).toBe(404);
    expect((await api(other.apiKey, 'GET', `/v1/webhook-deliveries/${d.id}`)).status).toBe(404);
    expect((await deliveries(other.apiKey)).data).toEqual([]);
  });

  it('dead-letters a delivery after its last attempt, then redelivers the same event on request', async () => {
    const t = await tenant();
    let up = false;
    const hook = await receiver({ secret: 'whsec_placeholder', respond: () => (up ? 204 : 500) });
    const endpoint = await createEndpoint(t.apiKey, { url: hook.url });
    hook.setSecret(endpoint.secret);

    const jobId = await finishedJob(t);
    const failed = await deliveryTo(t.apiKey, jobId, endpoint.id, 'failed');
    expect(failed).toMatchObject({ attempts: 3, lastStatusCode: 500, lastError: 'receiver answered 500', nextAttemptAt: null });
    expect(hook.received).toHaveLength(3);
    const listed = await deliveries(t.apiKey, '?state=failed');
    expect(listed.data.map((d) => d.id)).toEqual([failed.id]);
    const toSink = await api(t.apiKey, 'POST', `/v1/webhook-deliveries/${(await deliveryTo(t.apiKey, jobId, null)).id}/redeliver`);
    expect(toSink.status).toBe(200);
    expect(toSink.body).toMatchObject({ delivered: true, httpStatus: 200, error: null });

    up = true;
    // The answer waits for the new series' first attempt and tells how it went.
    const again = await api(t.apiKey, 'POST', `/v1/webhook-deliveries/${failed.id}/redeliver`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: failed.id, state: 'succeeded', attempts: 1, delivered: true, httpStatus: 204, error: null });
    const redelivered = await hook.waitFor((w) => w.status === 204);
    expect(redelivered.id).toBe(hook.received[0]?.id);
    expect(redelivered.rawBody).toBe(hook.received[0]?.rawBody);
    expect(redelivered.verified).toBe(true);
    expect(await deliveryTo(t.apiKey, jobId, endpoint.id, 'succeeded')).toMatchObject({ attempts: 1, lastStatusCode: 204 });
    expect((await deliveries(t.apiKey, '?state=failed')).data).toEqual([]);
  });

  it('signs with both secrets during the grace period after a rotation', async () => {
    const t = await tenant();
    const hook = await receiver({ secret: 'whsec_placeholder' });
    const endpoint = await createEndpoint(t.apiKey, { url: hook.url });
    const old = endpoint.secret;

    const rotated = await api(t.apiKey, 'POST', `/v1/webhooks/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    const graceEnds = Date.parse(rotated.body.previousSecretExpiresAt as string);
    expect(graceEnds - Date.now()).toBeGreaterThan(23 * 3600_000);

    hook.setSecret(fresh);
    const jobId = await finishedJob(t);
    const hookOfJob = await hook.waitFor((w) => jobIdOf(w) === jobId);
    expect(hookOfJob.verified).toBe(true);
    const headers = hookOfJob.headers as Record<string, string>;
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(new Webhook(old).verify(hookOfJob.rawBody, headers)).toMatchObject({ id: `evt_${jobId}_completed` });
    expect(new Webhook(fresh).verify(hookOfJob.rawBody, headers)).toMatchObject({ id: `evt_${jobId}_completed` });
  });

  it('honours Retry-After, and a 410 disables the endpoint and cancels what was still pending for it', async () => {
    const t = await tenant();
    let goneFor = '';
    const hook = await receiver({
      secret: 'whsec_placeholder',
      respond: (req) => (req.headers['webhook-id'] === goneFor ? 410 : { status: 503, headers: { 'retry-after': '1' } }),
    });
    const endpoint = await createEndpoint(t.apiKey, { url: hook.url });
    hook.setSecret(endpoint.secret);

    const waiting = await finishedJob(t, 'first');
    const firstTry = await hook.waitFor((w) => jobIdOf(w) === waiting);
    const pending = await deliveryTo(t.apiKey, waiting, endpoint.id, 'pending');
    // The schedule says 50 ms; the receiver asked for a second.
    expect(Date.parse(pending.nextAttemptAt as string) - firstTry.at).toBeGreaterThanOrEqual(900);
    // Only a finished delivery is sent again.
    const early = await api(t.apiKey, 'POST', `/v1/webhook-deliveries/${pending.id}/redeliver`);
    expect(early.status).toBe(409);
    expect(early.body.error?.code).toBe('delivery_in_progress');

    const second = await api(t.apiKey, 'POST', '/v1/jobs', {
      type: 'complete',
      input: { messages: [{ role: 'user', content: 'second' }] },
      webhook: { url: t.sink.url },
    });
    goneFor = `evt_${second.body.id as string}_completed`;
    await stack.waitForJob(t.apiKey, second.body.id as string);
    const goneDelivery = await deliveryTo(t.apiKey, second.body.id as string, endpoint.id, 'failed');
    expect(goneDelivery).toMatchObject({ attempts: 1, lastStatusCode: 410, lastError: 'receiver answered 410 Gone' });
    const disabled = await api(t.apiKey, 'GET', `/v1/webhooks/${endpoint.id}`);
    expect(disabled.body).toMatchObject({ enabled: false, disabledReason: 'the receiver answered 410 Gone' });

    // The first job's retry comes up after its Retry-After and finds the endpoint disabled.
    const cancelled = await deliveryTo(t.apiKey, waiting, endpoint.id, 'cancelled');
    expect(cancelled).toMatchObject({ attempts: 1, lastError: 'endpoint disabled (the receiver answered 410 Gone)' });
    expect(hook.received.filter((w) => jobIdOf(w) === waiting)).toHaveLength(1);
    expect((await deliveries(t.apiKey, '?state=cancelled')).data.map((d) => d.id)).toEqual([cancelled.id]);
    const refused = await api(t.apiKey, 'POST', `/v1/webhook-deliveries/${cancelled.id}/redeliver`);
    expect(refused.body.error?.code).toBe('endpoint_disabled');
  });

  it('fails a redirect without following it, even to loopback', async () => {
    const t = await tenant();
    const inside = await receiver({ secret: 'whsec_placeholder' });
    const hook = await receiver({ secret: 'whsec_placeholder', respond: () => ({ status: 302, headers: { location: inside.url } }) });
    const endpoint = await createEndpoint(t.apiKey, { url: hook.url });
    const jobId = await finishedJob(t);
    const failed = await deliveryTo(t.apiKey, jobId, endpoint.id, 'failed');
    expect(failed).toMatchObject({ attempts: 3, lastStatusCode: 302, lastError: 'receiver answered 302' });
    expect(inside.received).toHaveLength(0);
  });

  it('pages deliveries newest first and filters them by endpoint', async () => {
    const t = await tenant();
    const hook = await receiver({ secret: 'whsec_placeholder' });
    const endpoint = await createEndpoint(t.apiKey, { url: hook.url });
    const jobs = [await finishedJob(t, 'one'), await finishedJob(t, 'two')];
    for (const id of jobs) await deliveryTo(t.apiKey, id, endpoint.id, 'succeeded');

    const all = await deliveries(t.apiKey, `?endpointId=${endpoint.id}`);
    expect(all.data.map((d) => d.jobId)).toEqual([...jobs].reverse());
    const page1 = await deliveries(t.apiKey, `?endpointId=${endpoint.id}&limit=1`);
    expect(page1).toMatchObject({ hasMore: true, data: [{ jobId: jobs[1] }] });
    const page2 = await deliveries(t.apiKey, `?endpointId=${endpoint.id}&limit=1&cursor=${page1.nextCursor}`);
    expect(page2.data).toMatchObject([{ jobId: jobs[0] }]);
    expect((await api(t.apiKey, 'GET', '/v1/webhook-deliveries?state=lost')).status).toBe(400);
    expect((await deliveries(t.apiKey, '?state=succeeded&limit=100')).data).toHaveLength(4);
  });
});

describe('webhook URLs into private networks', () => {
  let stack: TestStack;
  let apiKey: string;

  beforeAll(async () => {
    stack = await startStack(testConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false', WEBHOOK_ALLOW_HTTP: 'false' }), { worker: false, dispatcher: false });
    apiKey = (await stack.createKey('ssrf')).apiKey;
  });
  afterAll(() => stack?.close());

  it.each([
    ['loopback', 'https://127.0.0.1/hook'],
    ['a private range', 'https://10.1.2.3/hook'],
    ['the metadata endpoint', 'https://169.254.169.254/latest/meta-data'],
    ['a name resolving to loopback', 'https://localhost/hook'],
    ['IPv6 loopback', 'https://[::1]/hook'],
  ])('refuses %s when an endpoint is created or updated', async (_what, url) => {
    const res = await stack.request(apiKey, 'POST', '/v1/webhooks', { url });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'webhook_url_refused', param: 'url' });
  });

  it('refuses plain http, and a private URL in an update', async () => {
    expect((await stack.request(apiKey, 'POST', '/v1/webhooks', { url: 'http://8.8.8.8/hook' })).body.error?.code).toBe('webhook_url_refused');
    const ok = await stack.request(apiKey, 'POST', '/v1/webhooks', { url: 'https://8.8.8.8/hook' });
    expect(ok.status).toBe(201);
    const res = await stack.request(apiKey, 'PATCH', `/v1/webhooks/${ok.body.id as string}`, { url: 'https://192.168.0.1/hook' });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('webhook_url_refused');
  });
});
