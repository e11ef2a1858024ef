import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type SimulatedStack, type WebhookReceiver } from '@voxq/testing';
import { startOpenAiPair, type OpenAiPair } from './openai-pair.fixture';

type Batch = Awaited<ReturnType<OpenAI['batches']['retrieve']>>;
type Image = { key: string; contentType: string; bytes: number; presignedUrl: string; revisedPrompt?: string };
type Result = {
  provider: string;
  model: string;
  failoverCount: number;
  images: Image[];
  usage: { images: number };
  providerAttempts: Array<{ provider: string; error?: { code: string } }>;
};

const PNG_SIGNATURE = '89504e470d0a1a0a';
const isPng = (bytes: Buffer) => bytes.subarray(0, 8).toString('hex') === PNG_SIGNATURE;
const jsonl = (lines: object[]) => new File([`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`], 'images.jsonl', { type: 'application/jsonl' });

/**
 * Image generation end to end through the official `openai` SDK, unchanged: OpenAI (the
 * simulator's `/openai/v1`, with gpt-image-1 and DALL·E) and a compatible server with an image
 * model (the simulator's `/groq` mount, named `local`), so a failing provider has another to
 * fail over to. Images go to S3 (s3rver); answers read them back or sign URLs to them.
 */
describe('images', () => {
  let stack: SimulatedStack;
  let client: OpenAI;
  let apiKey: string;
  let receiver: WebhookReceiver;
  let pair: OpenAiPair | undefined;

  beforeAll(async () => {
    pair = await startOpenAiPair('image-tenant', { imageModel: 'black-forest-labs/flux.1-dev' });
    ({ stack, client, apiKey, receiver } = pair);
  });
  afterAll(async () => {
    await pair?.close();
  });

  it('generates with a GPT image model: base64 by default, with its size, quality and token usage', async () => {
    const answer = await client.images.generate({ model: 'gpt-image-1', prompt: 'a red fox in the snow', size: '1024x1024', quality: 'low' });
    expect(answer).toMatchObject({
      output_format: 'png',
      quality: 'low',
      size: '1024x1024',
      usage: { input_tokens: 6, output_tokens: 272, total_tokens: 278 },
    });
    expect(answer.data).toHaveLength(1);
    expect(answer.data![0]!.url).toBeUndefined();
    expect(isPng(Buffer.from(answer.data![0]!.b64_json!, 'base64'))).toBe(true);
    // What went upstream: OpenAI's wire, no response_format (the GPT image models take none).
    const sent = stack.simulator.requests('openai').at(-1)!;
    expect(sent.path).toBe('/v1/images/generations');
    expect(sent.body).toEqual({ model: 'gpt-image-1', prompt: 'a red fox in the snow', n: 1, size: '1024x1024', quality: 'low' });
  });

  it('answers DALL·E 3 with a presigned URL by default (its revised prompt too), and base64 when asked', async () => {
    const byUrl = await client.images.generate({ model: 'dall-e-3', prompt: 'a lighthouse', style: 'natural' });
    const image = byUrl.data![0]!;
    expect(image.b64_json).toBeUndefined();
    expect(image.revised_prompt).toBe('A detailed picture of a lighthouse');
    const fetched = await fetch(image.url!);
    expect(fetched.status).toBe(200);
    const fromUrl = Buffer.from(await fetched.arrayBuffer());
    expect(isPng(fromUrl)).toBe(true);
    // voxq asked the upstream for the bytes whatever the caller wanted, and stored them.
    expect(stack.simulator.requests('openai').at(-1)!.body).toMatchObject({ model: 'dall-e-3', style: 'natural', response_format: 'b64_json' });

    const inline = await client.images.generate({ model: 'dall-e-3', prompt: 'a lighthouse', style: 'natural', response_format: 'b64_json' });
    expect(Buffer.from(inline.data![0]!.b64_json!, 'base64')).toEqual(fromUrl);

    const two = await client.images.generate({ model: 'dall-e-2', prompt: 'two cats', n: 2, size: '256x256', response_format: 'b64_json' });
    expect(two.data!.map((d) => isPng(Buffer.from(d.b64_json!, 'base64')))).toEqual([true, true]);
    expect(two.data![0]!.b64_json).not.toBe(two.data![1]!.b64_json);
  });

  it("the simulator answers OpenAI's url form itself, with a picture it serves without a key", async () => {
    const direct = new OpenAI({ baseURL: stack.simulator.baseUrlFor('openai'), apiKey: 'sk-sim', maxRetries: 0 });
    const answer = await direct.images.generate({ model: 'dall-e-2', prompt: 'a fox', response_format: 'url' });
    const picture = await fetch(answer.data![0]!.url!);
    expect(picture.headers.get('content-type')).toBe('image/png');
    const inline = await direct.images.generate({ model: 'dall-e-2', prompt: 'a fox', response_format: 'b64_json' });
    expect(Buffer.from(await picture.arrayBuffer())).toEqual(Buffer.from(inline.data![0]!.b64_json!, 'base64'));
  });

  it('refuses a parameter the model does not take with a 400 naming it, queuing nothing', async () => {
    const before = stack.simulator.requests().length;
    const cases: Array<[OpenAI.ImageGenerateParamsNonStreaming, string]> = [
      [{ model: 'gpt-image-1', prompt: 'x', style: 'vivid' }, 'style'],
      [{ model: 'dall-e-3', prompt: 'x', n: 2 }, 'n'],
      [{ model: 'dall-e-2', prompt: 'x', size: '1792x1024' }, 'size'],
      [{ model: 'dall-e-3', prompt: 'x', output_format: 'webp' }, 'output_format'],
      [{ model: 'gpt-image-1', prompt: 'x', partial_images: 2 }, 'partial_images'],
    ];
    for (const [params, param] of cases) {
      const error = await client.images.generate(params).catch((e: unknown) => e);
      expect(error, param).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error, param).toMatchObject({ status: 400, param, code: 'invalid_request', type: 'invalid_request_error' });
    }
    const unknown = await stack.request(apiKey, 'POST', '/v1/images/generations', { model: 'gpt-image-1', prompt: 'x', seed: 4 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ type: 'invalid_request_error', message: expect.stringContaining('seed') });
    const missing = await client.images.generate({ model: 'dall-e-9', prompt: 'x' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    expect(stack.simulator.requests()).toHaveLength(before);
  });

  it('lists the image models in the catalog', async () => {
    const res = await stack.request(apiKey, 'GET', '/v1/models?recommended_for=image');
    expect(res.status).toBe(200);
    const models = res.body['data'] as Array<{ id: string; owned_by: string; capability: string }>;
    expect(models.map((m) => `${m.owned_by}/${m.id}`).sort()).toEqual(
      ['local/black-forest-labs/flux.1-dev', 'openai/dall-e-2', 'openai/dall-e-3', 'openai/gpt-image-1', 'openai/gpt-image-1-mini'].sort(),
    );
    expect(models.every((m) => m.capability === 'image')).toBe(true);
  });

  it('runs an image job from POST /v1/jobs, failing over when the first provider fails, with job.completed and usage', async () => {
    const submit = (prompt: string) => stack.request(apiKey, 'POST', '/v1/jobs', { type: 'image', input: { prompt }, webhook: { url: receiver.url } });
    // Which provider ranks first is the catalog's business: find out, then break it.
    const first = await stack.waitForJob(apiKey, (await submit('rank')).body.id as string);
    const leader = (first.result as Result).provider;
    const other = leader === 'openai' ? 'local' : 'openai';
    stack.simulator.enqueueFaults([{ status: 503 }], leader === 'local' ? 'groq' : 'openai');

    const submitted = await submit('a failover');
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const done = await stack.waitForJob(apiKey, submitted.body.id as string);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    const result = done.result as Result;
    expect(result).toMatchObject({ provider: other, failoverCount: 1, usage: { images: 1 } });
    expect(result.providerAttempts.map((a) => [a.provider, a.error?.code])).toEqual([
      [leader, 'provider_unavailable'],
      [other, undefined],
    ]);
    // The record keeps where the image is, not the image.
    expect(result.images[0]).toMatchObject({ key: `tenants/image-tenant/results/${done.id as string}-0.png`, contentType: 'image/png' });
    expect(isPng(Buffer.from(await (await fetch(result.images[0]!.presignedUrl)).arrayBuffer()))).toBe(true);
    // The same picture through the API with the key (what the console shows); only the job's own pictures, only to its tenant.
    const picture = await fetch(`${stack.url}/v1/jobs/${done.id as string}/result/images/0`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(picture.headers.get('content-type')).toBe('image/png');
    expect(isPng(Buffer.from(await picture.arrayBuffer()))).toBe(true);
    expect((await stack.request(apiKey, 'GET', `/v1/jobs/${done.id as string}/result/images/1`)).status).toBe(404);
    expect((await stack.request(apiKey, 'GET', `/v1/jobs/${done.id as string}/result/images/x`)).body.error).toMatchObject({ param: 'path.index' });
    const stranger = await stack.createKey('image-stranger');
    expect((await stack.request(stranger.apiKey, 'GET', `/v1/jobs/${done.id as string}/result/images/0`)).status).toBe(404);

    const hook = await receiver.waitFor((w) => (w.body as { data?: { id?: string } }).data?.id === done.id);
    expect(hook.verified).toBe(true);
    expect(hook.body).toMatchObject({ type: 'job.completed', data: { id: done.id, type: 'image', status: 'completed', result: { provider: other } } });

    const usage = await eventually(
      async () => {
        const res = await stack.request(apiKey, 'GET', '/v1/usage');
        const lines = (res.body['breakdown'] as Array<{ type: string; metric: string; quantity: number }> | undefined) ?? [];
        const images = lines.filter((l) => l.type === 'image' && l.metric === 'images').reduce((sum, l) => sum + l.quantity, 0);
        return images >= 2 ? images : undefined;
      },
      10_000,
      'the images in usage',
    );
    expect(usage).toBeGreaterThanOrEqual(2);
  });

  it('answers 202 with the job for Prefer: respond-async, and refuses a bad image job naming the field', async () => {
    const res = await stack.request(apiKey, 'POST', '/v1/images/generations', { model: 'dall-e-2', prompt: 'later' }, { prefer: 'respond-async' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ object: 'job', type: 'image', constraints: { allowedProviders: { image: ['openai'] }, models: { image: 'dall-e-2' } } });
    expect(await stack.waitForJob(apiKey, res.body['id'] as string)).toMatchObject({ status: 'completed', result: { model: 'dall-e-2' } });

    const empty = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'image', input: { prompt: ' ' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ param: 'input.prompt' });
    const tooMany = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'image', input: { prompt: 'x', n: 11 } });
    expect(tooMany.body.error).toMatchObject({ param: 'input.n' });
    // A parameter no provider's model takes is refused before anything is queued, as on the OpenAI route.
    const before = stack.simulator.requests().length;
    const styled = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'image', input: { prompt: 'x', style: 'vivid' } });
    expect(styled.status).toBe(400);
    expect(styled.body.error).toMatchObject({ code: 'invalid_request', param: 'input.style' });
    expect(stack.simulator.requests()).toHaveLength(before);
  });

  it('runs /v1/images/generations lines through client.batches, each answered as its line asked', async () => {
    const file = await client.files.create({
      file: jsonl([
        { custom_id: 'b64', method: 'POST', url: '/v1/images/generations', body: { model: 'gpt-image-1', prompt: 'a batch fox' } },
        { custom_id: 'url', method: 'POST', url: '/v1/images/generations', body: { model: 'dall-e-2', prompt: 'a batch cat', response_format: 'url' } },
      ]),
      purpose: 'batch',
    });
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/images/generations', completion_window: '24h' });
    const batch = await eventually<Batch>(
      async () => {
        const b = await client.batches.retrieve(created.id);
        return ['completed', 'failed', 'cancelled', 'expired'].includes(b.status) ? b : undefined;
      },
      20_000,
      'the batch to finish',
    );
    expect(batch).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 } });
    const lines = (await (await client.files.content(batch.output_file_id!)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { custom_id: string; response: { status_code: number; body: OpenAI.ImagesResponse } });
    const b64 = lines.find((l) => l.custom_id === 'b64')!.response;
    expect(b64.status_code).toBe(200);
    expect(isPng(Buffer.from(b64.body.data![0]!.b64_json!, 'base64'))).toBe(true);
    const url = lines.find((l) => l.custom_id === 'url')!.response.body.data![0]!.url!;
    expect(isPng(Buffer.from(await (await fetch(url)).arrayBuffer()))).toBe(true);
  });
});
