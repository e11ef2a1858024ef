import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullPrefix, QUEUE_NAMES, createRedisConnection } from '@voxq/queues';
import type { Simulator } from '@voxq/simulator';
import {
  cleanupPrefix,
  eventually,
  startSimulatedStack,
  startStack,
  startWebhookReceiver,
  testConfig,
  type SimulatedStack,
  type WebhookReceiver,
} from '@voxq/testing';

const completeJob = (content = 'Hello', extra: Record<string, unknown> = {}) => ({
  type: 'complete',
  input: { messages: [{ role: 'user', content }] },
  ...extra,
});

describe('the jobs API', () => {
  let stack: SimulatedStack;
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    stack = await startSimulatedStack();
    acme = (await stack.createKey('acme')).apiKey;
    globex = (await stack.createKey('globex')).apiKey;
  });
  afterAll(() => stack?.close());

  const finished = (key: string, id: string) => stack.waitForJob(key, id);

  describe('authentication and tenants', () => {
    it('refuses requests without a valid key, in the error envelope', async () => {
      for (const key of [null, 'vq_not-a-real-key']) {
        const res = await stack.request(key, 'GET', '/v1/jobs');
        expect(res.status).toBe(401);
        expect(res.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key', param: null });
      }
    });

    it('never shows one tenant another tenant’s job', async () => {
      const mine = await stack.request(acme, 'POST', '/v1/jobs', completeJob('private'));
      const id = mine.body.id as string;
      for (const [method, path] of [
        ['GET', `/v1/jobs/${id}`],
        ['DELETE', `/v1/jobs/${id}`],
        ['GET', `/v1/jobs/${id}/result`],
      ] as const) {
        const res = await stack.request(globex, method, path);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.body.error?.code).toBe('job_not_found');
      }
      const list = await stack.request(globex, 'GET', '/v1/jobs');
      expect((list.body.data as { id: string }[]).map((j) => j.id)).not.toContain(id);
      expect((await stack.request(acme, 'GET', `/v1/jobs/${id}`)).status).toBe(200);
    });
  });

  describe('idempotency', () => {
    it('returns the same job for a repeated Idempotency-Key and 409 for a different body', async () => {
      const headers = { 'idempotency-key': `order-${Date.now()}` };
      const first = await stack.request(acme, 'POST', '/v1/jobs', completeJob('once'), headers);
      const again = await stack.request(acme, 'POST', '/v1/jobs', completeJob('once'), headers);
      expect(first.status).toBe(202);
      expect(again.status).toBe(202);
      expect(again.body.id).toBe(first.body.id);
      expect(again.headers.get('idempotent-replayed')).toBe('true');

      const other = await stack.request(acme, 'POST', '/v1/jobs', completeJob('twice'), headers);
      expect(other.status).toBe(409);
      expect(other.body.error).toMatchObject({ type: 'conflict_error', code: 'idempotency_key_reused' });

      // Keys are per tenant: another tenant's same key is a new job.
      const theirs = await stack.request(globex, 'POST', '/v1/jobs', completeJob('once'), headers);
      expect(theirs.status).toBe(202);
      expect(theirs.body.id).not.toBe(first.body.id);
    });

    it('gives the key back when the request is refused before anything is queued', async () => {
      const headers = { 'idempotency-key': `refused-${Date.now()}` };
      // The upload does not exist: refused while the audio is resolved, after the key was taken.
      const refused = await stack.request(
        acme,
        'POST',
        '/v1/jobs',
        { type: 'transcribe', input: { audio: { uploadId: 'up_0000000000000000000000000000' } } },
        headers,
      );
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBeLessThan(500);
      // The corrected request may use the same key (no 409), and its repeat replays it.
      const fixed = await stack.request(acme, 'POST', '/v1/jobs', completeJob('fixed'), headers);
      expect(fixed.status).toBe(202);
      const again = await stack.request(acme, 'POST', '/v1/jobs', completeJob('fixed'), headers);
      expect(again.body.id).toBe(fixed.body.id);
    });
  });

  describe('listing', () => {
    it('pages newest first with a cursor and filters by type and status', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await stack.request(globex, 'POST', '/v1/jobs', completeJob(`page ${i}`))).body.id as string);
      await Promise.all(ids.map((id) => finished(globex, id)));
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await stack.request(globex, 'GET', `/v1/jobs?type=complete&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...(res.body.data as { id: string }[]).map((j) => j.id));
        cursor = res.body.nextCursor as string | null;
      } while (cursor);
      expect(seen.slice(0, 5)).toEqual([...ids].reverse());
      const completed = await stack.request(globex, 'GET', '/v1/jobs?status=completed&limit=100');
      expect((completed.body.data as { status: string }[]).every((j) => j.status === 'completed')).toBe(true);
      const bad = await stack.request(globex, 'GET', '/v1/jobs?status=done');
      expect(bad.status).toBe(400);
      expect(bad.body.error?.param).toBe('query.status');
    });
  });
});

// Faults are served to the simulator's next requests in order, so these tests get a
// simulator and a stack of their own and run one job at a time.
describe('retries and cancellation', () => {
  let stack: SimulatedStack;
  let sim: Simulator;
  let receiver: WebhookReceiver;
  let acme: string;

  beforeAll(async () => {
    stack = await startSimulatedStack({ JOB_ATTEMPTS: '3' });
    sim = stack.simulator;
    const key = await stack.createKey('acme');
    acme = key.apiKey;
    receiver = await startWebhookReceiver({ secret: key.webhookSecret });
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  const finished = (key: string, id: string) => stack.waitForJob(key, id);

  it('retries a job whose provider failed, then completes it', async () => {
    // The only LLM provider fails once: the attempt fails, BullMQ backs off and retries.
    sim.enqueueFaults([{ status: 500 }]);
    const res = await stack.request(acme, 'POST', '/v1/jobs', completeJob('flaky', { webhook: { url: receiver.url } }));
    const job = await finished(acme, res.body.id as string);
    expect(job.status).toBe('completed');
    expect(job.attempts).toBe(2);
    const hook = await receiver.waitFor((w) => (w.body as { data: { id: string } }).data.id === job.id);
    expect(hook.verified).toBe(true);
  });

  it('fails a job at once when the provider rejects its input, with the reason', async () => {
    sim.enqueueFaults([{ status: 400 }]);
    const res = await stack.request(acme, 'POST', '/v1/jobs', completeJob('bad', { webhook: { url: receiver.url } }));
    const job = await finished(acme, res.body.id as string);
    expect(job.status).toBe('failed');
    expect(job.attempts).toBe(1);
    expect(job.error).toMatchObject({ code: 'provider_rejected_input', retryable: false });
    const hook = await receiver.waitFor((w) => (w.body as { data: { id: string } }).data.id === job.id);
    expect(hook.body).toMatchObject({ type: 'job.failed', data: { error: { code: 'provider_rejected_input' } } });
  });

  it('cancels a running job: the provider call is aborted and the result never lands', async () => {
    sim.enqueueFaults([{ hang: true }]);
    const res = await stack.request(acme, 'POST', '/v1/jobs', completeJob('slow', { webhook: { url: receiver.url } }));
    const id = res.body.id as string;
    await eventually(async () => ((await stack.request(acme, 'GET', `/v1/jobs/${id}`)).body.status === 'active' ? true : undefined));
    const cancelled = await stack.request(acme, 'DELETE', `/v1/jobs/${id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', error: { code: 'job_cancelled' } });
    const hook = await receiver.waitFor((w) => (w.body as { data: { id: string } }).data.id === id);
    expect(hook.body).toMatchObject({ type: 'job.cancelled' });

    const again = await stack.request(acme, 'DELETE', `/v1/jobs/${id}`);
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe('job_not_cancellable');
    await new Promise((r) => setTimeout(r, 300));
    expect((await stack.request(acme, 'GET', `/v1/jobs/${id}`)).body.status).toBe('cancelled');
  });
});

describe('a job cancelled while queued', () => {
  it('is removed from its queue and never runs', async () => {
    const stack = await startStack(testConfig(), { worker: false });
    try {
      const { apiKey } = await stack.createKey('acme');
      const res = await stack.request(apiKey, 'POST', '/v1/jobs', completeJob('never'));
      const cancelled = await stack.request(apiKey, 'DELETE', `/v1/jobs/${res.body.id}`);
      expect(cancelled.body.status).toBe('cancelled');
      const connection = createRedisConnection(stack.config.redis);
      const queue = new Queue(QUEUE_NAMES.complete, { connection, prefix: bullPrefix(stack.config.redis.prefix) });
      expect(await queue.getJob(res.body.id as string)).toBeUndefined();
      await queue.close();
      connection.disconnect();
    } finally {
      await stack.close();
      await cleanupPrefix(stack.config);
    }
  });
});

describe('batch submission', () => {
  it('queues many jobs in one request, validated all or nothing, idempotently', async () => {
    const stack = await startSimulatedStack();
    try {
      const { apiKey } = await stack.createKey('acme');
      const jobs = Array.from({ length: 25 }, (_, i) => completeJob(`batch ${i}`));
      const headers = { 'idempotency-key': 'batch-1' };
      const res = await stack.request(apiKey, 'POST', '/v1/jobs:batch', { jobs }, headers);
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      const ids = (res.body.data as { id: string; status: string }[]).map((j) => j.id);
      expect(new Set(ids).size).toBe(25);
      await Promise.all(ids.map((id) => stack.waitForJob(apiKey, id)));

      const again = await stack.request(apiKey, 'POST', '/v1/jobs:batch', { jobs }, headers);
      expect((again.body.data as { id: string }[]).map((j) => j.id)).toEqual(ids);

      const bad = await stack.request(apiKey, 'POST', '/v1/jobs:batch', { jobs: [completeJob('ok'), { type: 'complete', input: { messages: [] } }] });
      expect(bad.status).toBe(400);
      expect(bad.body.error?.param).toBe('jobs.1.input.messages');
      const empty = await stack.request(apiKey, 'POST', '/v1/jobs:batch', { jobs: [] });
      expect(empty.status).toBe(400);
      const listed = await stack.request(apiKey, 'GET', '/v1/jobs?limit=100');
      expect(listed.body.data).toHaveLength(25);
    } finally {
      await stack.close();
    }
  });
});
