import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '@voxq/auth';
import { VoxqClient, VoxqError, verifyWebhook, type JobStreamEvent } from '@voxq/sdk';
import { eventually, sineWav, startSimulatedStack, startWebhookReceiver, type SimulatedStack } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import type { RedisClient } from '@voxq/redis-keys';

const complete = (content: string) => ({ type: 'complete' as const, input: { messages: [{ role: 'user' as const, content }] } });

/** `@voxq/sdk` against the real stack: every call goes over HTTP to the API, workers and dispatcher. */
describe('@voxq/sdk', () => {
  let stack: SimulatedStack;
  let redis: RedisClient;
  let keys: ApiKeyStore;
  let voxq: VoxqClient;
  let webhookSecret: string;

  beforeAll(async () => {
    // A retried attempt waits 1.5 s, so a stream opened after submitting sees the retry's events.
    stack = await startSimulatedStack({ JOB_BACKOFF_MS: '1500' });
    redis = createRedisConnection(stack.config.redis);
    keys = new ApiKeyStore(redis, stack.config.redis.prefix);
    const key = await stack.createKey('sdk-tenant');
    webhookSecret = key.webhookSecret;
    voxq = new VoxqClient({ baseUrl: stack.url, apiKey: key.apiKey });
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
  });

  it('creates, gets and waits for a job, reporting its live events in order', async () => {
    stack.simulator.enqueueFaults([{ status: 503 }]);
    const job = await voxq.jobs.create(complete('sdk events'));
    expect(job).toMatchObject({ object: 'job', type: 'complete', status: 'queued' });
    expect((await voxq.jobs.get(job.id)).id).toBe(job.id);

    const events: JobStreamEvent[] = [];
    const done = await voxq.jobs.wait(job.id, { timeoutMs: 20_000, onEvent: (e) => events.push(e) });
    expect(done).toMatchObject({ id: job.id, status: 'completed', result: { text: 'Simulated reply to: sdk events' } });
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('job');
    expect(types.at(-1)).toBe('completed');
    expect(types).toEqual(expect.arrayContaining(['started', 'provider_attempt']));
    expect(events.at(-1)).toMatchObject({ type: 'completed', job: { id: job.id, status: 'completed' } });
  });

  it('waits by polling when asked not to stream, and returns a finished job at once', async () => {
    const job = await voxq.jobs.create(complete('polled'));
    const events: JobStreamEvent[] = [];
    const done = await voxq.jobs.wait(job.id, { stream: false, pollIntervalMs: 50, onEvent: (e) => events.push(e) });
    expect(done.status).toBe('completed');
    expect(events.map((e) => e.type)).toEqual(['completed']);
    expect((await voxq.jobs.wait(job.id)).status).toBe('completed');
  });

  it('lists jobs page by page and iterates over all of them', async () => {
    const created = await voxq.jobs.createMany([complete('l1'), complete('l2'), complete('l3')]);
    expect(created).toHaveLength(3);
    const page = await voxq.jobs.list({ type: 'complete', limit: 2 });
    expect(page.data).toHaveLength(2);
    expect(page.hasMore).toBe(true);
    expect(page.nextCursor).toEqual(expect.any(String));
    const all: string[] = [];
    for await (const job of voxq.jobs.listAll({ type: 'complete', limit: 2 })) all.push(job.id);
    expect(all).toEqual(expect.arrayContaining(created.map((j) => j.id)));
    expect(new Set(all).size).toBe(all.length);
  });

  it('cancels a running job; a second cancel is a typed 409', async () => {
    stack.simulator.enqueueFaults([{ hang: true }]);
    const job = await voxq.jobs.create(complete('hang'));
    await eventually(async () => ((await voxq.jobs.get(job.id)).status === 'active' ? true : undefined), 10_000, 'the job to start');
    expect((await voxq.jobs.cancel(job.id)).status).toBe('cancelled');
    expect((await voxq.jobs.wait(job.id)).status).toBe('cancelled');
    const again = await voxq.jobs.cancel(job.id).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(VoxqError);
    expect(again).toMatchObject({ status: 409, type: 'conflict_error', requestId: expect.any(String) });
  });

  it('downloads a synthesize job’s audio', async () => {
    const job = await voxq.jobs.create({ type: 'synthesize', input: { text: 'Hello from the SDK.' }, intent: { language: 'en-US' } });
    expect((await voxq.jobs.wait(job.id, { timeoutMs: 30_000 })).status).toBe('completed');
    const result = await voxq.jobs.result(job.id);
    if (result.kind !== 'audio') throw new Error(`expected audio, got ${JSON.stringify(result)}`);
    expect(result.contentType).toMatch(/^audio\//);
    expect(Buffer.from(result.bytes.subarray(0, 4)).toString()).toBe('RIFF');
    expect(result.bytes.byteLength).toBeGreaterThan(1000);

    const text = await voxq.jobs.result((await voxq.jobs.wait((await voxq.jobs.create(complete('json result'))).id)).id);
    expect(text).toMatchObject({ kind: 'json', result: { text: 'Simulated reply to: json result' } });
  });

  it('uploads audio (bytes and a stream) and transcribes it by upload id', async () => {
    const upload = await voxq.uploads.create(sineWav(), { contentType: 'audio/wav', filename: 'tone.wav' });
    expect(upload).toMatchObject({ object: 'upload', status: 'completed', size: sineWav().length, filename: 'tone.wav' });
    const streamed = await voxq.uploads.create(Readable.from([sineWav(0.25), sineWav(0.25)]), { contentType: 'audio/wav' });
    expect(streamed.size).toBe(2 * sineWav(0.25).length);
    expect((await voxq.uploads.get(streamed.id)).id).toBe(streamed.id);

    const job = await voxq.jobs.create({ type: 'transcribe', input: { audio: { uploadId: upload.id } }, intent: { language: 'en-US' } });
    const done = await voxq.jobs.wait(job.id, { timeoutMs: 30_000 });
    expect(done).toMatchObject({ status: 'completed', result: { provider: 'pocketsphinx' } });
  });

  it('runs an inline batch to completion and reads its output file', async () => {
    const batch = await voxq.batches.create({
      jobs: [
        { custom_id: 'a', ...complete('batch a') },
        { custom_id: 'b', ...complete('batch b') },
      ],
      completion_window: '1h',
    });
    expect(batch).toMatchObject({ object: 'batch', endpoint: '/v1/jobs' });
    const done = await voxq.batches.wait(batch.id, { timeoutMs: 30_000, pollIntervalMs: 100 });
    expect(done).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 } });
    expect((await voxq.batches.list()).data.map((b) => b.id)).toContain(batch.id);
    const lines = new TextDecoder()
      .decode(await voxq.files.content(done.output_file_id!))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { custom_id: string });
    expect(lines.map((l) => l.custom_id).sort()).toEqual(['a', 'b']);
    await expect(voxq.batches.cancel(batch.id)).rejects.toMatchObject({ status: 409 });
  });

  it('verifies a real webhook delivery, and refuses it under another secret', async () => {
    const receiver = await startWebhookReceiver({ secret: webhookSecret });
    try {
      const job = await voxq.jobs.create({ ...complete('hooked'), webhook: { url: receiver.url } });
      const delivery = await receiver.waitFor((w) => w.id === `evt_${job.id}_completed`);
      const event = verifyWebhook(delivery.rawBody, delivery.headers, webhookSecret);
      expect(event).toMatchObject({ type: 'job.completed', data: { id: job.id, status: 'completed' } });
      // A rotation's grace period: any of the secrets may match.
      expect(verifyWebhook(Buffer.from(delivery.rawBody), delivery.headers, ['whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', webhookSecret]).id).toBe(event.id);
      expect(() => verifyWebhook(delivery.rawBody, delivery.headers, 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toThrow(VoxqError);
      expect(() => verifyWebhook(delivery.rawBody.replace('completed', 'failed'), delivery.headers, webhookSecret)).toThrow(/could not be verified/);
    } finally {
      await receiver.close();
    }
  });

  describe('typed errors', () => {
    it('400 names the field at fault', async () => {
      const error = await voxq.jobs
        .create({ ...complete('x'), input: { messages: [{ role: 'user', content: 'x' }], temperature: 5 } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VoxqError);
      expect(error).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        code: 'invalid_request',
        param: 'input.temperature',
        requestId: expect.any(String),
        retryable: false,
      });
    });

    it('404 for a job that does not exist', async () => {
      await expect(voxq.jobs.get('job_0000000000000000000000000000')).rejects.toMatchObject({ status: 404, code: 'job_not_found' });
    });

    it('409 when an Idempotency-Key is reused for another body; the same body replays the job', async () => {
      const idempotencyKey = `sdk-${Date.now()}`;
      const first = await voxq.jobs.create(complete('idem'), { idempotencyKey });
      expect((await voxq.jobs.create(complete('idem'), { idempotencyKey })).id).toBe(first.id);
      await expect(voxq.jobs.create(complete('other'), { idempotencyKey })).rejects.toMatchObject({
        status: 409,
        type: 'conflict_error',
        code: 'idempotency_key_reused',
      });
    });

    it('429 carries retryAfter; with retries the SDK waits it out and succeeds', async () => {
      const created = await keys.create('sdk-limited', 'limited');
      // Set before the key's first use, so no API process holds a stale copy.
      expect(await keys.setRateLimit(created.keyId, { perSecond: 1, burst: 0 })).toBe(true);
      const strict = new VoxqClient({ baseUrl: stack.url, apiKey: created.apiKey, maxRetries: 0 });
      const answers = await Promise.allSettled(Array.from({ length: 4 }, () => strict.jobs.list()));
      const refused = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected');
      expect(refused?.reason).toBeInstanceOf(VoxqError);
      expect(refused?.reason).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', retryable: true });
      expect((refused?.reason as VoxqError).retryAfter).toBeGreaterThanOrEqual(1);

      const patient = new VoxqClient({ baseUrl: stack.url, apiKey: created.apiKey, maxRetries: 4 });
      const pages = await Promise.all(Array.from({ length: 3 }, () => patient.jobs.list()));
      expect(pages.every((p) => Array.isArray(p.data))).toBe(true);
    });
  });
});
