import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sineWav, startSimulatedStack, type SimulatedStack } from '@voxq/testing';

type Sent = Record<string, unknown>;

/**
 * Issue 13, points 2, 3 and 7c through the official SDK: every chat parameter reaches the
 * upstream or is refused by name, models are taken by name (or alias) or are 404, and
 * errors name OpenAI's parameters.
 */
describe('OpenAI SDK: chat parameters, models by name, parameter names in errors', () => {
  let stack: SimulatedStack;
  let client: OpenAI;
  let apiKey: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'voxq-e2e-models-'));
    const file = join(dir, 'voxq.json');
    writeFileSync(
      file,
      JSON.stringify({
        models: { aliases: { fast: 'anthropic/claude-sonnet-4-5', 'gpt-4': 'gpt-4o-mini' } },
        // Anthropic ranks first when a request pins nothing, so a test can see it passed over.
        providers: { openai: { catalog: { quality: 0.1, costPerUnit: 1000, latencyMs: 60_000 } } },
      }),
    );
    stack = await startSimulatedStack((sim) => ({
      ANTHROPIC_API_KEY: 'sk-sim-test',
      ANTHROPIC_BASE_URL: sim.baseUrlFor('anthropic'),
      VOXQ_CONFIG_FILE: file,
      // As `npm start` runs it: the vendors' base URLs point at the simulator's port.
      SIMULATOR_PORT: new URL(sim.url).port,
    }));
    apiKey = (await stack.createKey('chat-params-tenant')).apiKey;
    client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await stack?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const lastSent = (provider: string): Sent => stack.simulator.requests(provider).at(-1)!.body as Sent;
  const ask = (content: string) => [{ role: 'user' as const, content }];

  it('forwards the sampling and bookkeeping parameters under their OpenAI names', async () => {
    const params = {
      seed: 42,
      top_p: 0.9,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      logit_bias: { '50256': -100 },
      user: 'user-123',
      metadata: { team: 'voice' },
      store: true,
      service_tier: 'flex' as const,
      verbosity: 'low' as const,
      prompt_cache_key: 'k1',
      safety_identifier: 'hash-1',
    };
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('Name a colour.'), ...params });
    expect(completion.choices[0]!.message.content).toBe('Simulated reply to: Name a colour.');
    // Each reaches the upstream as it was sent.
    expect(lastSent('openai')).toMatchObject(params);
  });

  it('honours stop and max_tokens (finish_reason length)', async () => {
    const stopped = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('Say hello'), stop: 'to:' });
    expect(lastSent('openai')['stop']).toEqual(['to:']);
    expect(stopped.choices[0]).toMatchObject({ message: { content: 'Simulated reply ' }, finish_reason: 'stop' });

    const cut = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('Say hello'), max_completion_tokens: 2 });
    expect(cut.choices[0]).toMatchObject({ message: { content: 'Simulated reply ' }, finish_reason: 'length' });
  });

  it('answers a JSON object for response_format json_object', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('JSON please'), response_format: { type: 'json_object' } });
    expect(lastSent('openai')['response_format']).toEqual({ type: 'json_object' });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ reply: 'Simulated reply to: JSON please' });
  });

  it('chat.completions.parse() with a zod json_schema gives the parsed object', async () => {
    const Weather = z.object({
      city: z.string(),
      temperatureC: z.number(),
      conditions: z.enum(['sunny', 'rainy']),
      tags: z.array(z.string()),
      wind: z.object({ kph: z.number().int(), gusty: z.boolean() }),
      note: z.string().nullable(),
    });
    const completion = await client.chat.completions.parse({
      model: 'gpt-4o-mini',
      messages: ask('The weather in Oslo'),
      response_format: zodResponseFormat(Weather, 'weather'),
    });
    const parsed = completion.choices[0]!.message.parsed;
    expect(Weather.parse(parsed)).toEqual(parsed);
    expect(lastSent('openai')['response_format']).toMatchObject({ type: 'json_schema', json_schema: { name: 'weather', strict: true } });
  });

  it('answers n choices, indexed 0 to n-1', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('Pick one'), n: 3 });
    expect(lastSent('openai')['n']).toBe(3);
    expect(completion.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(completion.choices.map((c) => c.message.content)).toEqual([
      'Simulated reply to: Pick one',
      'Simulated reply to: Pick one (choice 2)',
      'Simulated reply to: Pick one (choice 3)',
    ]);
  });

  it('returns logprobs with top_logprobs per token', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('hi'), logprobs: true, top_logprobs: 2 });
    expect(lastSent('openai')).toMatchObject({ logprobs: true, top_logprobs: 2 });
    const tokens = completion.choices[0]!.logprobs!.content!;
    expect(tokens.map((t) => t.token).join('')).toBe(completion.choices[0]!.message.content);
    for (const token of tokens) {
      expect(token.logprob).toBeLessThan(0);
      expect(token.top_logprobs).toHaveLength(2);
    }
  });

  it('maps stop, top_p and user to Anthropic when the model pins it', async () => {
    const completion = await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: ask('Say hello'),
      stop: ['to:'],
      top_p: 0.5,
      user: 'user-9',
    });
    expect(lastSent('anthropic')).toMatchObject({ stop_sequences: ['to:'], top_p: 0.5, metadata: { user_id: 'user-9' } });
    expect(completion.choices[0]).toMatchObject({ message: { content: 'Simulated reply ' }, finish_reason: 'stop' });
  });

  it('refuses logit_bias on an Anthropic model with a 400 naming it, nothing queued', async () => {
    const jobsBefore = (await stack.request(apiKey, 'GET', '/v1/jobs')).body.data as unknown[];
    const sentBefore = stack.simulator.requests().length;
    const error = await client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: ask('hi'), logit_bias: { '1': 5 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'logit_bias', code: 'unsupported_parameter' });
    expect(stack.simulator.requests()).toHaveLength(sentBefore);
    expect((await stack.request(apiKey, 'GET', '/v1/jobs')).body.data).toHaveLength(jobsBefore.length);
  });

  it('refuses the same on /v1/jobs, /v1/jobs:batch and /v1/complete, naming the field as each takes it, nothing queued', async () => {
    const jobsBefore = ((await stack.request(apiKey, 'GET', '/v1/jobs')).body.data as unknown[]).length;
    const sentBefore = stack.simulator.requests().length;
    const onAnthropic = { constraints: { allowedProviders: { llm: ['anthropic'] } } };
    const job = { type: 'complete', input: { messages: ask('hi'), logitBias: { '1': 5 } }, ...onAnthropic };
    const single = await stack.request(apiKey, 'POST', '/v1/jobs', job);
    expect(single.status).toBe(400);
    expect(single.body.error).toMatchObject({ code: 'unsupported_parameter', param: 'input.logitBias' });
    const batch = await stack.request(apiKey, 'POST', '/v1/jobs:batch', { jobs: [{ ...job, input: { messages: ask('fine') } }, job] });
    expect(batch.status).toBe(400);
    expect(batch.body.error).toMatchObject({ code: 'unsupported_parameter', param: 'jobs.1.input.logitBias' });
    const speko = await stack.request(apiKey, 'POST', '/v1/complete', { messages: ask('hi'), logitBias: { '1': 5 }, ...onAnthropic });
    expect(speko.status).toBe(400);
    // Speko's route answers Speko's error body (docs/speko.md).
    expect(speko.body).toMatchObject({ code: 'UNSUPPORTED_PARAMETER', param: 'logitBias', error: expect.stringContaining('logitBias') });
    expect(stack.simulator.requests()).toHaveLength(sentBefore);
    expect((await stack.request(apiKey, 'GET', '/v1/jobs')).body.data).toHaveLength(jobsBefore);
  });

  it('routes a job with a parameter only some providers honour to one that does', async () => {
    const run = async (input: Record<string, unknown>) => {
      // `accuracy` ranks Anthropic first (its catalog quality is higher).
      const submitted = await stack.request(apiKey, 'POST', '/v1/jobs', {
        type: 'complete',
        input: { messages: ask('hi'), ...input },
        intent: { optimizeFor: 'accuracy' },
      });
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
      return (await stack.waitForJob(apiKey, submitted.body.id as string)) as { status: string; result: { provider: string } };
    };
    expect((await run({})).result.provider).toBe('anthropic');
    const biased = await run({ logitBias: { '1': 5 } });
    expect(biased).toMatchObject({ status: 'completed', result: { provider: 'openai' } });
    expect(lastSent('openai')['logit_bias']).toEqual({ '1': 5 });
  });

  it('refuses what voxq cannot answer (audio output) by name', async () => {
    const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('hi'), modalities: ['text', 'audio'] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, param: 'modalities' });
  });

  it('answers 404 model_not_found for a model that is not configured, for chat, speech and transcriptions', async () => {
    const sentBefore = stack.simulator.requests().length;
    const chat = await client.chat.completions.create({ model: 'meta/llama-3.3-70b-instruct', messages: ask('hi') }).catch((e: unknown) => e);
    expect(chat).toBeInstanceOf(OpenAI.NotFoundError);
    expect(chat).toMatchObject({ status: 404, code: 'model_not_found', param: 'model', type: 'invalid_request_error' });
    expect((chat as Error).message).toContain("The model 'meta/llama-3.3-70b-instruct' does not exist");

    const speech = await client.audio.speech.create({ model: 'eleven_v3', voice: 'alloy', input: 'hi' }).catch((e: unknown) => e);
    expect(speech).toBeInstanceOf(OpenAI.NotFoundError);
    const transcription = await client.audio.transcriptions
      .create({ file: await toFile(sineWav(), 'a.wav'), model: 'gpt-4o-transcribe' })
      .catch((e: unknown) => e);
    expect(transcription).toBeInstanceOf(OpenAI.NotFoundError);
    expect(stack.simulator.requests()).toHaveLength(sentBefore);
  });

  it("serves each of a speech provider's models by name (tts-1-hd, gpt-4o-mini-tts), and lists them", async () => {
    for (const model of ['tts-1-hd', 'gpt-4o-mini-tts']) {
      const speech = await client.audio.speech.create({ model, voice: 'alloy', input: 'Named model.' });
      expect(speech.headers.get('x-speko-model')).toBe(model);
      expect((stack.simulator.requests('openai').at(-1)!.body as { model: string }).model).toBe(model);
    }
    const listed = (await client.models.list()).data.map((m) => m.id);
    expect(listed).toEqual(expect.arrayContaining(['tts-1', 'tts-1-hd', 'gpt-4o-mini-tts']));
  });

  it('refuses an OpenAI voice on a model whose provider does not have it, rather than using another voice', async () => {
    const error = await client.audio.speech.create({ model: 'espeak-ng', voice: 'alloy', input: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ param: 'voice' });
  });

  it('sends an OpenAI voice to a provider that has it, with or without a model', async () => {
    const pinned = await client.audio.speech.create({ model: 'tts-1', voice: 'nova', input: 'Hello.' });
    expect(pinned.status).toBe(200);
    expect(lastSent('openai')).toMatchObject({ model: 'tts-1', voice: 'nova' });

    // No model: espeak-ng could serve it, but has no 'shimmer'.
    const res = await stack.request(apiKey, 'POST', '/v1/audio/speech', { input: 'Hello.', voice: 'shimmer' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-speko-provider')).toBe('openai');
    expect(lastSent('openai')).toMatchObject({ voice: 'shimmer' });
  });

  it('lists and retrieves models with created, aliases and the simulator marked', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models.length).toBeGreaterThan(0);
    for (const model of models) expect(model).toMatchObject({ object: 'model', created: expect.any(Number), owned_by: expect.any(String) });
    expect(models.find((m) => m.id === 'gpt-4o-mini')).toMatchObject({ owned_by: 'openai', simulated: true });
    expect(models.find((m) => m.id === 'fast')).toMatchObject({ owned_by: 'anthropic', alias_for: 'anthropic/claude-sonnet-4-5' });

    expect(await client.models.retrieve('gpt-4o-mini')).toMatchObject({ id: 'gpt-4o-mini', object: 'model', owned_by: 'openai', created: expect.any(Number) });
    expect(await client.models.retrieve('gpt-4')).toMatchObject({ id: 'gpt-4', owned_by: 'openai', alias_for: 'openai/gpt-4o-mini' });
    expect(await client.models.retrieve('anthropic/claude-sonnet-4-5')).toMatchObject({ id: 'anthropic/claude-sonnet-4-5', owned_by: 'anthropic' });
    await expect(client.models.retrieve('gpt-5-turbo')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('pins the model an alias from the config file points at', async () => {
    const completion = await client.chat.completions.create({ model: 'fast', messages: ask('Who answers?') });
    expect(completion.model).toBe('claude-sonnet-4-5');
    expect(lastSent('anthropic')['model']).toBe('claude-sonnet-4-5');
  });

  it.each([
    [{ max_completion_tokens: 0 }, 'max_completion_tokens'],
    [{ max_tokens: 0 }, 'max_tokens'],
    [{ temperature: 5 }, 'temperature'],
    [{ top_p: 3 }, 'top_p'],
    [{ logit_bias: { abc: 1 } }, 'logit_bias.abc'],
    [{ response_format: { type: 'json_schema', json_schema: { name: 'bad name!' } } }, 'response_format.json_schema.name'],
    [{ tools: [{ type: 'function', function: { name: 'bad name!' } }] }, 'tools.0.function.name'],
    [
      {
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: '', tool_calls: [{ id: 'c', type: 'function', function: { name: 'bad name!'.repeat(20), arguments: '{}' } }] },
        ],
      },
      'messages.1.tool_calls.0.function.name',
    ],
  ])('names the request field in a 400: %j → %s', async (extra, param) => {
    const res = await stack.request(apiKey, 'POST', '/v1/chat/completions', { model: 'gpt-4o-mini', messages: ask('hi'), ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error).toMatchObject({ param, type: 'invalid_request_error' });
    expect(res.body.error!.message).not.toContain('input.');
  });

  it.each([
    [{ input: '   ' }, 'input'],
    [{ speed: 10 }, 'speed'],
  ])('names the speech request field in a 400: %j → %s', async (extra, param) => {
    const res = await stack.request(apiKey, 'POST', '/v1/audio/speech', { model: 'tts-1', voice: 'alloy', input: 'hi', ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error).toMatchObject({ param });
  });
});
