import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '@voxq/simulator';
import { eventually, parseSseEvents, startSimulatedStack, type SimulatedStack } from '@voxq/testing';

type Attempt = { provider: string; model: string; error?: { code: string } };
type Result = { provider: string; model: string; failoverCount: number; providerAttempts: Attempt[]; unusedParams?: string[]; spokenForm?: string };

/** OpenAI's speech on `gpt-4o-mini-tts` (it takes instructions) and ElevenLabs, both simulated, beside the local espeak-ng. */
const speechVendors = (sim: Simulator) => ({
  OPENAI_TTS_MODEL: 'gpt-4o-mini-tts',
  ELEVENLABS_API_KEY: 'sk-sim-test',
  ELEVENLABS_BASE_URL: sim.baseUrlFor('elevenlabs'),
  // This suite looks at one failure at a time.
  PROVIDER_BREAKER_FAILURES: '100',
});

describe('synthesize model, instructions and spokenForm', () => {
  let stack: SimulatedStack;
  let key: string;
  beforeAll(async () => {
    stack = await startSimulatedStack(speechVendors);
    key = (await stack.createKey(`synth-${Date.now()}`)).apiKey;
  });
  afterAll(() => stack?.close());

  const synthesize = (input: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    type: 'synthesize',
    input: { text: 'Hello there.', ...input },
    ...extra,
  });
  const run = async (body: unknown) => {
    const submitted = await stack.request(key, 'POST', '/v1/jobs', body);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const done = await stack.waitForJob(key, submitted.body.id as string);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    return done.result as Result;
  };
  /** The body of the last speech request the simulated vendor received. */
  const lastSpeechBody = (vendor: string) => stack.simulator.requests(vendor).at(-1)?.body as Record<string, unknown> | undefined;

  it('tries the provider serving the named model first, with it, and forwards instructions to it', async () => {
    const result = await run(synthesize({ model: 'gpt-4o-mini-tts', instructions: 'Speak calmly.' }));
    expect(result).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini-tts', failoverCount: 0 });
    expect(result.unusedParams).toBeUndefined();
    expect(lastSpeechBody('openai')).toMatchObject({ model: 'gpt-4o-mini-tts', instructions: 'Speak calmly.', input: 'Hello there.' });
  });

  it('fails over to a provider that keeps its own model, and reports instructions it did not take', async () => {
    const elevenCalls = stack.simulator.requests('elevenlabs').length;
    stack.simulator.enqueueFaults([{ status: 500 }], 'openai');
    const result = await run(
      synthesize({ model: 'gpt-4o-mini-tts', instructions: 'Speak calmly.' }, { constraints: { allowedProviders: { tts: ['elevenlabs', 'openai'] } } }),
    );
    expect(result.providerAttempts.map((a) => [a.provider, a.model, a.error?.code])).toEqual([
      ['openai', 'gpt-4o-mini-tts', 'provider_unavailable'],
      ['elevenlabs', 'eleven_multilingual_v2', undefined],
    ]);
    expect(result).toMatchObject({ provider: 'elevenlabs', failoverCount: 1, unusedParams: ['instructions'] });
    expect(stack.simulator.requests('elevenlabs')).toHaveLength(elevenCalls + 1);
    const sent = lastSpeechBody('elevenlabs')!;
    expect(sent.model_id).toBe('eleven_multilingual_v2');
    expect(JSON.stringify(sent)).not.toContain('Speak calmly.');
  });

  it('refuses a model no speech provider serves with a 404, naming the field, before queueing', async () => {
    const openaiCalls = stack.simulator.requests('openai').length;
    const res = await stack.request(key, 'POST', '/v1/jobs', synthesize({ model: 'sonic-2' }));
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'model_not_found', param: 'input.model' });
    const batch = await stack.request(key, 'POST', '/v1/jobs:batch', { jobs: [synthesize({}), synthesize({ model: 'sonic-2' })] });
    expect(batch.status).toBe(404);
    expect(batch.body.error).toMatchObject({ code: 'model_not_found', param: 'jobs.1.input.model' });
    const speko = await stack.request(key, 'POST', '/v1/synthesize', { text: 'Hi.', model: 'sonic-2' });
    expect(speko.status).toBe(404);
    expect(stack.simulator.requests('openai')).toHaveLength(openaiCalls);
  });

  it('fails a batch line whose model no speech provider serves, naming the line', async () => {
    const created = await stack.request(key, 'POST', '/v1/batches', { jobs: [synthesize({}), synthesize({ model: 'sonic-2' })] });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const batch = await eventually(async () => {
      const res = await stack.request(key, 'GET', `/v1/batches/${created.body.id as string}`);
      return ['failed', 'completed'].includes(res.body.status as string) ? res.body : undefined;
    });
    expect(batch.status).toBe('failed');
    expect((batch.errors as { data: unknown[] }).data).toEqual([
      expect.objectContaining({ code: 'invalid_request', line: 2, message: expect.stringContaining("'sonic-2'") }),
    ]);
  });

  it('refuses a model whose provider the job rules out with a 400', async () => {
    const res = await stack.request(
      key,
      'POST',
      '/v1/jobs',
      synthesize({ model: 'gpt-4o-mini-tts' }, { constraints: { allowedProviders: { tts: ['espeak-ng'] } } }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', param: 'input.model' });
  });

  it('reports instructions espeak-ng does not take, in the result and the one-shot answer', async () => {
    const res = await stack.request(key, 'POST', '/v1/synthesize', {
      text: 'Hello there.',
      instructions: 'Whisper it.',
      constraints: { allowedProviders: { tts: ['espeak-ng'] } },
    });
    const jobId = res.headers.get('x-voxq-job-id') ?? (res.body.id as string);
    const done = await stack.waitForJob(key, jobId);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(done.result).toMatchObject({ provider: 'espeak-ng', unusedParams: ['instructions'] });
    // The sync answer carries the audio and says what went unused.
    if (res.headers.get('content-type')?.startsWith('audio/')) expect(res.headers.get('x-voxq-unused-params')).toBe('instructions');
  });

  it('says what went unused in the done event of a streamed synthesize too', async () => {
    const res = await fetch(`${stack.url}/v1/synthesize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ text: 'Hi, 2 cats.', instructions: 'Slowly.', spokenForm: true, constraints: { allowedProviders: { tts: ['espeak-ng'] } } }),
    });
    const done = parseSseEvents(await res.text()).find((e) => e.event === 'done');
    expect(JSON.parse(done!.data)).toMatchObject({ provider: 'espeak-ng', unusedParams: ['instructions'], spokenForm: 'full' });
  });

  it('forwards instructions from the OpenAI speech surface too', async () => {
    const res = await stack.request(key, 'POST', '/v1/audio/speech', { model: 'gpt-4o-mini-tts', input: 'Hi.', voice: 'alloy', instructions: 'Cheerful.' });
    expect(res.status, res.raw.toString()).toBe(200);
    expect(lastSpeechBody('openai')).toMatchObject({ model: 'gpt-4o-mini-tts', instructions: 'Cheerful.' });
  });

  it('sends the spoken form of the text when spokenForm is set, and the literal text otherwise', async () => {
    const text = '**Dr. Smith** paid $12.50 at 3:30pm, see https://example.com/bill.';
    const pinned = { constraints: { allowedProviders: { tts: ['openai'] } } };
    const spoken = await run(synthesize({ text, spokenForm: true }, pinned));
    expect(spoken.spokenForm).toBe('full');
    expect(lastSpeechBody('openai')!.input).toBe('Doctor Smith paid twelve dollars and fifty cents at three thirty p.m., see example dot com slash bill.');

    const literal = await run(synthesize({ text }, pinned));
    expect(literal.spokenForm).toBeUndefined();
    expect(lastSpeechBody('openai')!.input).toBe(text);
  });

  it('applies only the language-neutral rules for another language, and says so', async () => {
    const result = await run(
      synthesize({ text: '**Hola**, son 3 gatos.', spokenForm: true }, { intent: { language: 'es' }, constraints: { allowedProviders: { tts: ['openai'] } } }),
    );
    expect(result.spokenForm).toBe('partial');
    expect(lastSpeechBody('openai')!.input).toBe('Hola, son 3 gatos.');
  });
});
