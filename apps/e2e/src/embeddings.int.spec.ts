import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type SimulatedStack, type WebhookReceiver } from '@voxq/testing';
import { startOpenAiPair, type OpenAiPair } from './openai-pair.fixture';

type Batch = Awaited<ReturnType<OpenAI['batches']['retrieve']>>;
type Result = {
  provider: string;
  model: string;
  failoverCount: number;
  embeddings: number[][];
  providerAttempts: Array<{ provider: string; error?: { code: string } }>;
};

const norm = (v: readonly number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
const jsonl = (lines: object[]) => new File([`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`], 'embeddings.jsonl', { type: 'application/jsonl' });

/**
 * Embeddings end to end through the official `openai` SDK, unchanged: OpenAI (the simulator's
 * `/openai/v1`) and a compatible server with an embedding model (the simulator's `/groq`
 * mount, named `local`), so a failing provider has another to fail over to.
 */
describe('embeddings', () => {
  let stack: SimulatedStack;
  let client: OpenAI;
  let apiKey: string;
  let receiver: WebhookReceiver;
  let pair: OpenAiPair | undefined;

  beforeAll(async () => {
    pair = await startOpenAiPair('embed-tenant', { embeddingModel: 'nomic-embed-text' });
    ({ stack, client, apiKey, receiver } = pair);
  });
  afterAll(async () => {
    await pair?.close();
  });

  it('embeds a string with the SDK defaults (base64 on the wire, decoded by the SDK)', async () => {
    const answer = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'The quick brown fox' });
    expect(answer).toMatchObject({ object: 'list', model: 'text-embedding-3-small', usage: { prompt_tokens: 5, total_tokens: 5 } });
    expect(answer.data).toHaveLength(1);
    expect(answer.data[0]).toMatchObject({ object: 'embedding', index: 0 });
    const vector = answer.data[0]!.embedding;
    expect(vector).toHaveLength(1536);
    expect(norm(vector)).toBeCloseTo(1, 5);
    // What went upstream: OpenAI's wire, float vectors asked for, pinned to the named model.
    const sent = stack.simulator.requests('openai').at(-1)!;
    expect(sent.path).toBe('/v1/embeddings');
    expect(sent.body).toEqual({ model: 'text-embedding-3-small', input: ['The quick brown fox'], encoding_format: 'float' });
  });

  it('embeds an array in order, as float arrays, the same vector for the same text', async () => {
    const texts = ['alpha', 'beta', 'alpha'];
    const answer = await client.embeddings.create({ model: 'text-embedding-3-small', input: texts, encoding_format: 'float' });
    expect(answer.data.map((d) => d.index)).toEqual([0, 1, 2]);
    const [a, b, again] = answer.data.map((d) => d.embedding);
    expect(a).toEqual(again);
    expect(a).not.toEqual(b);
    // The SDK's default base64 decodes to the same numbers (little-endian float32).
    const decoded = await client.embeddings.create({ model: 'text-embedding-3-small', input: texts });
    expect(decoded.data.map((d) => d.embedding)).toEqual([a, b, again]);
  });

  it('honours dimensions, and refuses one past the model (400 naming dimensions), queuing nothing', async () => {
    const short = await client.embeddings.create({ model: 'text-embedding-3-large', input: 'shorter', dimensions: 256 });
    expect(short.data[0]!.embedding).toHaveLength(256);
    expect(norm(short.data[0]!.embedding)).toBeCloseTo(1, 5);
    expect((stack.simulator.requests('openai').at(-1)!.body as { dimensions: number }).dimensions).toBe(256);

    const before = stack.simulator.requests().length;
    const error = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'too long', dimensions: 2048 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'dimensions', code: 'invalid_request' });
    expect(stack.simulator.requests()).toHaveLength(before);
  });

  it('answers 404 model_not_found for a model nobody serves, and 400 for token ids or an empty input', async () => {
    const missing = await client.embeddings.create({ model: 'text-embedding-nope', input: 'x' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });

    const tokens = await stack.request(apiKey, 'POST', '/v1/embeddings', { model: 'text-embedding-3-small', input: [1, 2, 3] });
    expect(tokens.status).toBe(400);
    expect(tokens.body.error).toMatchObject({ param: 'input', type: 'invalid_request_error' });
    const empty = await stack.request(apiKey, 'POST', '/v1/embeddings', { model: 'text-embedding-3-small', input: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ param: 'input' });
  });

  it('lists the embedding models with their vector lengths', async () => {
    const res = await stack.request(apiKey, 'GET', '/v1/models?recommended_for=embedding');
    expect(res.status).toBe(200);
    const models = res.body['data'] as Array<{ id: string; owned_by: string; capability: string; dimensions?: number }>;
    expect(models).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'text-embedding-3-small', owned_by: 'openai', capability: 'embedding', dimensions: 1536 }),
        expect.objectContaining({ id: 'text-embedding-3-large', owned_by: 'openai', dimensions: 3072 }),
        expect.objectContaining({ id: 'nomic-embed-text', owned_by: 'local', capability: 'embedding' }),
      ]),
    );
    const providers = await stack.request(apiKey, 'GET', '/v1/providers');
    const embedding = (providers.body['data'] as Array<{ id: string; capability: string }>).filter((p) => p.capability === 'embedding');
    expect(embedding.map((p) => p.id).sort()).toEqual(['local', 'openai']);
    expect(embedding.find((p) => p.id === 'openai')).toMatchObject({
      defaultModel: 'text-embedding-3-small',
      models: { 'text-embedding-3-large': { maxDimensions: 3072 } },
    });
  });

  it('runs an embed job from POST /v1/jobs, failing over when the first provider fails, and sends job.completed', async () => {
    const submit = (input: unknown) => stack.request(apiKey, 'POST', '/v1/jobs', { type: 'embed', input: { input }, webhook: { url: receiver.url } });
    // Which provider ranks first is the catalog's business: find out, then break it.
    const first = await stack.waitForJob(apiKey, (await submit('rank')).body.id as string);
    const leader = (first.result as Result).provider;
    const other = leader === 'openai' ? 'local' : 'openai';
    stack.simulator.enqueueFaults([{ status: 500 }], leader === 'local' ? 'groq' : 'openai');

    const submitted = await submit(['one', 'two']);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    expect(submitted.body).toMatchObject({ type: 'embed', status: 'queued' });
    const done = await stack.waitForJob(apiKey, submitted.body.id as string);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    const result = done.result as Result;
    expect(result).toMatchObject({ provider: other, failoverCount: 1, usage: { promptTokens: 2 } });
    expect(result.providerAttempts.map((a) => [a.provider, a.error?.code])).toEqual([
      [leader, 'provider_unavailable'],
      [other, undefined],
    ]);
    expect(result.embeddings).toHaveLength(2);
    expect(norm(result.embeddings[0]!)).toBeCloseTo(1, 5);

    const hook = await receiver.waitFor((w) => (w.body as { data?: { id?: string } }).data?.id === done.id);
    expect(hook.verified).toBe(true);
    expect(hook.body).toMatchObject({ type: 'job.completed', data: { id: done.id, type: 'embed', status: 'completed', result: { provider: other } } });
    expect((hook.body as { data: { result: Result } }).data.result.embeddings).toEqual(result.embeddings);
  });

  it('refuses a bad embed job with a 400 naming the field', async () => {
    const empty = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'embed', input: { input: '' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ param: expect.stringMatching(/^input\.input/) });
    const tooMany = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'embed', input: { input: Array.from({ length: 2049 }, () => 'x') } });
    expect(tooMany.status).toBe(400);
    const badDimensions = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'embed', input: { input: 'x', dimensions: 0 } });
    expect(badDimensions.status).toBe(400);
    expect(badDimensions.body.error).toMatchObject({ param: 'input.dimensions' });
  });

  it('fails an embed job asking a length its model cannot give, without calling the provider', async () => {
    const before = stack.simulator.requests().length;
    const submitted = await stack.request(apiKey, 'POST', '/v1/jobs', {
      type: 'embed',
      input: { input: 'x', dimensions: 2000 },
      constraints: { allowedProviders: { embedding: ['openai'] }, models: { embedding: 'text-embedding-3-small' } },
    });
    expect(submitted.status).toBe(202);
    const done = await stack.waitForJob(apiKey, submitted.body.id as string);
    expect(done).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'invalid_request', param: 'input.dimensions', retryable: false } });
    expect(stack.simulator.requests()).toHaveLength(before);
  });

  it('runs /v1/embeddings lines through client.batches, output lines in OpenAI shape', async () => {
    const file = await client.files.create({
      file: jsonl([
        { custom_id: 'float', method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 8 } },
        {
          custom_id: 'b64',
          method: 'POST',
          url: '/v1/embeddings',
          body: { model: 'text-embedding-3-small', input: 'a', dimensions: 8, encoding_format: 'base64' },
        },
      ]),
      purpose: 'batch',
    });
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' });
    const batch = await eventually<Batch>(
      async () => {
        const b = await client.batches.retrieve(created.id);
        return ['completed', 'failed', 'cancelled', 'expired'].includes(b.status) ? b : undefined;
      },
      25_000,
      'the batch to finish',
    );
    expect(batch).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 } });
    const lines = (await (await client.files.content(batch.output_file_id!)).text())
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as { custom_id: string; response: { status_code: number; body: { object: string; data: Array<{ embedding: number[] | string }> } } },
      );
    const float = lines.find((l) => l.custom_id === 'float')!.response;
    expect(float.status_code).toBe(200);
    expect(float.body).toMatchObject({ object: 'list', model: 'text-embedding-3-small', data: [{ object: 'embedding', index: 0 }, { index: 1 }] });
    const vector = float.body.data[0]!.embedding as number[];
    expect(vector).toHaveLength(8);
    const b64 = lines.find((l) => l.custom_id === 'b64')!.response.body.data[0]!.embedding as string;
    const bytes = Buffer.from(b64, 'base64');
    expect(Array.from({ length: 8 }, (_, i) => bytes.readFloatLE(i * 4))).toEqual(vector);
  });

  it('fails a batch line naming an unknown model, with its reason', async () => {
    const file = await client.files.create({
      file: jsonl([{ custom_id: 'nope', method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-nope', input: 'a' } }]),
      purpose: 'batch',
    });
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' });
    const batch = await eventually<Batch>(
      async () => {
        const b = await client.batches.retrieve(created.id);
        return ['completed', 'failed', 'cancelled', 'expired'].includes(b.status) ? b : undefined;
      },
      25_000,
      'the batch to finish',
    );
    expect(batch.status).toBe('failed');
    expect(JSON.stringify(batch.errors)).toContain('text-embedding-nope');
  });
});
