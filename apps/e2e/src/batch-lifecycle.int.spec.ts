import OpenAI from 'openai';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullPrefix, createCommandConnection, QUEUE_NAMES } from '@voxq/queues';
import { eventually, sineWav, startSimulatedStack, startWebhookReceiver, type SimulatedStack, type WebhookReceiver } from '@voxq/testing';

type Batch = Awaited<ReturnType<OpenAI['batches']['retrieve']>>;
const FINAL = ['completed', 'failed', 'cancelled', 'expired'];

const jsonl = (lines: object[], name = 'batch.jsonl') => new File([`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`], name, { type: 'application/jsonl' });
/** An output or error file line; bodies are whatever the endpoint answers (a string for srt). */
interface OutputLine {
  custom_id: string;
  response: { status_code: number; body: Record<string, unknown> & { url: string; bytes: number; id: string } } | null;
  error: { code: string; message: string } | null;
}
const readJsonl = async (client: OpenAI, id: string | null | undefined): Promise<OutputLine[]> =>
  id
    ? (await (await client.files.content(id)).text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as OutputLine)
    : [];

/** Batches beyond chat: audio endpoints, voxq's inline form with `batch.*` webhooks, cancel, expiry, file expiry. */
describe('batch lifecycle', () => {
  let stack: SimulatedStack;
  let client: OpenAI;
  let apiKey: string;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    // Few worker slots, so a batch's jobs are still queued when it is cancelled or expires.
    stack = await startSimulatedStack({ WORKER_CONCURRENCY: '4', BATCH_MAX_REQUESTS: '100' });
    const key = await stack.createKey('batch-life');
    apiKey = key.apiKey;
    receiver = await startWebhookReceiver({ secret: key.webhookSecret });
    client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.close();
  });

  async function settle(id: string, timeoutMs = 25_000): Promise<Batch> {
    return eventually(
      async () => {
        const batch = await client.batches.retrieve(id);
        return FINAL.includes(batch.status) ? batch : undefined;
      },
      timeoutMs,
      `batch ${id} to finish`,
    );
  }

  it('runs transcriptions (audio by upload id, json and srt) and speech (audio stored in S3)', async () => {
    const upload = await stack.request(apiKey, 'POST', '/v1/uploads', sineWav(1), { 'content-type': 'audio/wav' });
    expect(upload.status).toBe(201);
    const uploadId = upload.body['id'] as string;
    const stt = await client.files.create({
      file: jsonl([
        { custom_id: 'json', method: 'POST', url: '/v1/audio/transcriptions', body: { model: 'whisper-1', file: uploadId } },
        { custom_id: 'srt', method: 'POST', url: '/v1/audio/transcriptions', body: { model: 'whisper-1', file: uploadId, response_format: 'srt' } },
      ]),
      purpose: 'batch',
    });
    const sttBatch = await settle(
      (await client.batches.create({ input_file_id: stt.id, endpoint: '/v1/audio/transcriptions' as never, completion_window: '24h' })).id,
    );
    expect(sttBatch).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 } });
    const sttOut = await readJsonl(client, sttBatch.output_file_id);
    expect(sttOut.find((o) => o.custom_id === 'json')!.response!).toMatchObject({ status_code: 200, body: { text: expect.any(String) } });
    expect(sttOut.find((o) => o.custom_id === 'srt')!.response!.body).toMatch(/^1\n00:00:00,000 --> /);

    const tts = await client.files.create({
      file: jsonl([{ custom_id: 'hello', method: 'POST', url: '/v1/audio/speech', body: { model: 'tts-1', input: 'Hello from a batch.', voice: 'alloy' } }]),
      purpose: 'batch',
    });
    const ttsBatch = await settle((await client.batches.create({ input_file_id: tts.id, endpoint: '/v1/audio/speech' as never, completion_window: '24h' })).id);
    expect(ttsBatch.status).toBe('completed');
    const [speech] = await readJsonl(client, ttsBatch.output_file_id);
    const body = speech!.response!.body;
    expect(body).toMatchObject({
      object: 'audio.speech',
      content_type: expect.stringMatching(/^audio\//),
      bytes: expect.any(Number),
      key: expect.stringMatching(/^tenants\/batch-life\/results\//),
    });
    const audio = await stack.request(apiKey, 'GET', body.url);
    expect(audio.status).toBe(200);
    expect(audio.raw.length).toBe(body.bytes);
  });

  it('fails a transcription line that names no audio, with its line number', async () => {
    const file = await client.files.create({
      file: jsonl([{ custom_id: 'a', method: 'POST', url: '/v1/audio/transcriptions', body: { model: 'whisper-1' } }]),
      purpose: 'batch',
    });
    const batch = await settle(
      (await client.batches.create({ input_file_id: file.id, endpoint: '/v1/audio/transcriptions' as never, completion_window: '24h' })).id,
    );
    expect(batch.status).toBe('failed');
    expect(batch.errors?.data).toEqual([
      expect.objectContaining({ code: 'invalid_request', line: 1, param: 'body', message: expect.stringContaining('body.file') }),
    ]);
  });

  it('takes voxq job requests inline, reports progress and sends batch.completed', async () => {
    const res = await stack.request(apiKey, 'POST', '/v1/batches', {
      jobs: [
        { custom_id: 'hi', type: 'complete', input: { messages: [{ role: 'user', content: 'hi' }] } },
        { type: 'complete', input: { messages: [{ role: 'user', content: 'second' }] }, metadata: { source: 'inline' } },
        { type: 'synthesize', input: { text: 'one more' } },
      ],
      webhook: { url: receiver.url },
      metadata: { run: 'inline' },
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      object: 'batch',
      endpoint: '/v1/jobs',
      status: 'validating',
      metadata: { run: 'inline' },
      webhook: { url: receiver.url },
    });
    const id = res.body['id'] as string;
    const event = await receiver.waitFor(
      (w) => (w.body as { type?: string }).type === 'batch.completed' && (w.body as { data: { id: string } }).data.id === id,
      20_000,
    );
    expect(event.verified).toBe(true);
    expect(event.id).toBe(`evt_${id}_completed`);
    expect(event.body).toMatchObject({ type: 'batch.completed', data: { id, status: 'completed', request_counts: { total: 3, completed: 3, failed: 0 } } });
    const batch = await client.batches.retrieve(id);
    const out = await readJsonl(client, batch.output_file_id);
    expect(out.map((o) => o.custom_id).sort()).toEqual(['1', '2', 'hi']);
    const second = out.find((o) => o.custom_id === '1')!.response!.body;
    expect(second).toMatchObject({ object: 'job', type: 'complete', status: 'completed', batchId: id, metadata: { source: 'inline', customId: '1' } });
    // Each line is an ordinary job too, labelled with its batch.
    const job = await stack.request(apiKey, 'GET', `/v1/jobs/${second.id}`);
    expect(job.body).toMatchObject({ batchId: id });
    // The speech's download link lasts as long as S3 allows (7 days), not the 15 minutes it was first signed for.
    const speech = out.find((o) => o.custom_id === '2')!.response!.body as unknown as {
      result: { audio: { presignedUrl: string; presignedUrlExpiresAt: string } };
    };
    const lasts = Date.parse(speech.result.audio.presignedUrlExpiresAt) - Date.now();
    expect(lasts).toBeGreaterThan(6 * 24 * 3600 * 1000);
    expect(new URL(speech.result.audio.presignedUrl).searchParams.get('X-Amz-Expires')).toBe(String(7 * 24 * 3600));
    expect((await fetch(speech.result.audio.presignedUrl)).status).toBe(200);
  });

  it('refuses a bad inline job at once, naming it, and creates nothing', async () => {
    const before = await client.batches.list({ limit: 100 });
    const res = await stack.request(apiKey, 'POST', '/v1/batches', {
      jobs: [
        { type: 'complete', input: { messages: [{ role: 'user', content: 'ok' }] } },
        { type: 'synthesize', input: { text: '' } },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'jobs.1.input.text' });
    const dup = await stack.request(apiKey, 'POST', '/v1/batches', {
      jobs: [
        { custom_id: 'x', type: 'synthesize', input: { text: 'a' } },
        { custom_id: 'x', type: 'synthesize', input: { text: 'b' } },
      ],
    });
    expect(dup.status).toBe(400);
    expect(dup.body.error?.param).toBe('jobs.1.custom_id');
    expect((await client.batches.list({ limit: 100 })).data.length).toBe(before.data.length);
  });

  it('holds batches to BATCH_MAX_REQUESTS, in files and inline', async () => {
    const lines = Array.from({ length: 101 }, (_, i) => ({
      custom_id: `m${i}`,
      method: 'POST',
      url: '/v1/chat/completions',
      body: { messages: [{ role: 'user', content: 'x' }] },
    }));
    const file = await client.files.create({ file: jsonl(lines), purpose: 'batch' });
    const batch = await settle((await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
    expect(batch).toMatchObject({ status: 'failed', request_counts: { total: 0, completed: 0, failed: 0 } });
    expect(batch.errors?.data).toEqual([expect.objectContaining({ code: 'batch_too_large', line: 101 })]);
    const inline = await stack.request(apiKey, 'POST', '/v1/batches', { jobs: lines.map(() => ({ type: 'synthesize', input: { text: 'x' } })) });
    expect(inline.status).toBe(400);
    expect(inline.body.error).toMatchObject({ param: 'jobs', message: expect.stringContaining('at most 100') });
  });

  it('cancels a running batch: finished lines in the output, the rest in the error file', async () => {
    stack.simulator.setLatency({ latencyMs: 300 });
    try {
      const lines = Array.from({ length: 40 }, (_, i) => ({
        custom_id: `c${i}`,
        method: 'POST',
        url: '/v1/chat/completions',
        body: { messages: [{ role: 'user', content: `n${i}` }] },
      }));
      const file = await client.files.create({ file: jsonl(lines), purpose: 'batch' });
      const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      await eventually(
        async () => ((await client.batches.retrieve(created.id)).request_counts?.completed ?? 0) > 0 || undefined,
        15_000,
        'a first line to finish',
      );
      const cancelling = await client.batches.cancel(created.id);
      expect(cancelling.status).toBe('cancelling');
      expect(cancelling.cancelling_at).toBeGreaterThan(0);
      const batch = await settle(created.id);
      expect(batch.status).toBe('cancelled');
      expect(batch.cancelled_at).toBeGreaterThan(0);
      const { total, completed, failed } = batch.request_counts!;
      expect(total).toBe(40);
      expect(completed).toBeGreaterThan(0);
      expect(completed + failed).toBe(40);
      const out = await readJsonl(client, batch.output_file_id);
      const errs = await readJsonl(client, batch.error_file_id);
      expect(out).toHaveLength(completed);
      expect(errs).toHaveLength(failed);
      expect(new Set([...out, ...errs].map((o) => o.custom_id)).size).toBe(40);
      for (const e of errs) expect(['job_cancelled', 'batch_cancelled']).toContain(e.error!.code);
      await expect(client.batches.cancel(created.id)).rejects.toMatchObject({ status: 409 });
    } finally {
      stack.simulator.setLatency({ latencyMs: 0 });
    }
  });

  it('expires a batch past its completion window, reporting unfinished lines as batch_expired', async () => {
    stack.simulator.setLatency({ latencyMs: 1000 });
    try {
      const lines = Array.from({ length: 60 }, (_, i) => ({
        custom_id: `e${i}`,
        method: 'POST',
        url: '/v1/chat/completions',
        body: { messages: [{ role: 'user', content: `n${i}` }] },
      }));
      const file = await client.files.create({ file: jsonl(lines), purpose: 'batch' });
      const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '10s' as '24h' });
      expect(created.expires_at! - created.created_at).toBe(10);
      const batch = await settle(created.id, 30_000);
      expect(batch.status).toBe('expired');
      expect(batch.expired_at).toBeGreaterThanOrEqual(created.expires_at!);
      const errs = await readJsonl(client, batch.error_file_id);
      expect(errs.length).toBeGreaterThan(0);
      expect(errs.some((e) => ['batch_expired', 'job_cancelled'].includes(e.error!.code))).toBe(true);
      expect(batch.request_counts!.completed + batch.request_counts!.failed).toBe(60);
    } finally {
      stack.simulator.setLatency({ latencyMs: 0 });
    }
  }, 40_000);

  it('honours expires_after on files and output_expires_after on outputs', async () => {
    const file = await client.files.create({
      file: jsonl([{ custom_id: 'x', method: 'POST', url: '/v1/chat/completions', body: { messages: [{ role: 'user', content: 'x' }] } }]),
      purpose: 'batch',
      expires_after: { anchor: 'created_at', seconds: 7200 },
    });
    expect(file.expires_at! - file.created_at).toBe(7200);
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      output_expires_after: { anchor: 'created_at', seconds: 3600 },
    });
    const batch = await settle(created.id);
    const output = await client.files.retrieve(batch.output_file_id!);
    expect(output.expires_at! - output.created_at).toBe(3600);

    // The deletion is a delayed job at the expiry: run it now, and the file is gone, bytes and all.
    const redis = createCommandConnection(stack.config.redis);
    const queue = new Queue(QUEUE_NAMES.batches, { connection: redis, prefix: bullPrefix(stack.config.redis.prefix) });
    try {
      const expiry = await queue.getJob(`expire-file.${output.id}`);
      expect(expiry?.opts.delay).toBeGreaterThan(3_500_000);
      await expiry!.promote();
      await eventually(
        async () => (await stack.request(apiKey, 'GET', `/v1/files/${output.id}`)).status === 404 || undefined,
        10_000,
        'the output file to expire',
      );
    } finally {
      await queue.close();
      redis.disconnect();
    }
    await expect(client.files.create({ file: jsonl([{}]), purpose: 'batch', expires_after: { anchor: 'created_at', seconds: 60 } })).rejects.toMatchObject({
      status: 400,
    });
  });
});
